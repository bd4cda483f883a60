//! Names as a person types them: every entity, field, filter and sort field is accepted as
//! the API spells it (`CoworkerDiscountCode`, `CoworkerId`) and in kebab-case
//! (`coworker-discount-code`, `coworker-id`), and matched ignoring case, `-` and `_`.
//! Entities also answer to the lowercase plural Nexudus's own CLI names them by
//! (`coworkerdiscountcodes`).

use heck::ToKebabCase as _;
use nexudus::{ENTITIES, EndpointKind, EntitySchema, FieldSchema, FilterSchema};

use crate::error::CliError;

/// The kebab-case of an API name: `CoworkerDiscountCode` → `coworker-discount-code`.
pub fn kebab(name: &str) -> String {
    name.to_kebab_case()
}

/// What two spellings of one name share: lowercase, without `-` and `_`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The entity named `name` in any accepted spelling, or by its Nexudus name.
pub fn entity(name: &str) -> Option<&'static EntitySchema> {
    let wanted = normalize(name);
    ENTITIES
        .iter()
        .find(|e| normalize(e.name) == wanted)
        .or_else(|| ENTITIES.iter().find(|e| nexudus_name(e) == wanted))
}

/// The name Nexudus's CLI and catalogue give an entity (`coworkerdiscountcodes`): the last
/// segment of its list path, which is also its catalogue page's name.
pub fn nexudus_name(schema: &EntitySchema) -> &'static str {
    let path = schema
        .endpoint(EndpointKind::List)
        .or_else(|| schema.endpoints.first())
        .map_or("", |e| e.endpoint.path);
    path.split('/')
        .rfind(|segment| !segment.is_empty() && !segment.contains('{'))
        .unwrap_or_default()
}

/// " (did you mean `x`?)" for the candidate closest to `input`, if one is close enough.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let wanted = normalize(input);
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted, &normalize(c)), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean `{}`?)", kebab(c)))
        .unwrap_or_default()
}

/// A field of the full record (or a joined one, if `joined`), by any spelling.
pub fn field(
    schema: &'static EntitySchema,
    name: &str,
    joined: bool,
) -> Result<&'static FieldSchema, CliError> {
    let wanted = normalize(name);
    let joined_fields = if joined { schema.joined } else { &[] };
    let fields = || schema.fields.iter().chain(joined_fields);
    fields()
        .find(|f| normalize(f.wire) == wanted)
        .ok_or_else(|| {
            CliError::usage(format!(
                "{} has no field `{name}`{}; `nexudus {} --help` lists its fields",
                schema.name,
                did_you_mean(name, fields().map(|f| f.wire)),
                kebab(schema.name),
            ))
        })
}

/// The names a filter answers to, best first: its query name (`CoworkerDiscountCode_Coworker`),
/// the query name without the entity prefix (`Coworker`), and its field's name
/// (`CoworkerId`).
fn filter_names(schema: &EntitySchema, filter: &FilterSchema) -> [String; 3] {
    let short = filter_short_name(schema, filter);
    [
        filter.query.to_owned(),
        short.to_owned(),
        filter.field.to_owned(),
    ]
}

/// The query name without the `Entity_` prefix: what the CLI shows.
pub fn filter_short_name<'a>(schema: &EntitySchema, filter: &'a FilterSchema) -> &'a str {
    filter
        .query
        .strip_prefix(schema.name)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or(filter.query)
}

/// An equality filter by any of its names; earlier kinds of name win, so a filter's own
/// query name is never shadowed by another filter's field name.
pub fn filter(
    schema: &'static EntitySchema,
    name: &str,
) -> Result<&'static FilterSchema, CliError> {
    let wanted = normalize(name);
    (0..3)
        .find_map(|rank| {
            schema
                .filters
                .iter()
                .find(|f| normalize(&filter_names(schema, f)[rank]) == wanted)
        })
        .ok_or_else(|| {
            CliError::usage(format!(
                "{} has no filter `{name}`{}; `nexudus {} --help` lists its filters",
                schema.name,
                did_you_mean(
                    name,
                    schema.filters.iter().map(|f| filter_short_name(schema, f))
                ),
                kebab(schema.name),
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_agree() {
        assert_eq!(kebab("CoworkerDiscountCode"), "coworker-discount-code");
        assert_eq!(kebab("DisplayInDropdownV2"), "display-in-dropdown-v2");
        for spelling in [
            "CoworkerDiscountCode",
            "coworker-discount-code",
            "coworker_discount_code",
            "COWORKERDISCOUNTCODE",
        ] {
            assert_eq!(
                entity(spelling).map(|e| e.name),
                Some("CoworkerDiscountCode")
            );
        }
        assert!(entity("coworker-discount").is_none());
        assert_eq!(
            entity("coworkerdiscountcodes").map(|e| e.name),
            Some("CoworkerDiscountCode")
        );
        assert_eq!(entity("Bookings").map(|e| e.name), Some("Booking"));
    }

    /// Each Nexudus name is lowercase, names one entity, and is no other entity's name in
    /// any spelling.
    #[test]
    fn nexudus_names_are_unique_and_lead_to_their_entity() {
        for schema in ENTITIES {
            let name = nexudus_name(schema);
            assert!(!name.is_empty() && name == name.to_lowercase(), "{name}");
            assert_eq!(entity(name).map(|e| e.name), Some(schema.name), "{name}");
        }
    }

    #[test]
    fn every_filter_is_found_by_each_of_its_names() {
        for schema in ENTITIES {
            for f in schema.filters {
                for name in filter_names(schema, f) {
                    let found = filter(schema, &name).expect("found");
                    // Another filter may own the name first (its query name); never a
                    // filter whose names do not include it.
                    assert!(
                        filter_names(schema, found)
                            .iter()
                            .any(|n| normalize(n) == normalize(&name)),
                        "{}: {name}",
                        schema.name
                    );
                }
                assert_eq!(filter(schema, f.query).expect("found"), f);
            }
        }
    }

    #[test]
    fn suggestions_name_the_closest_candidate() {
        assert_eq!(
            did_you_mean("notse", ["Notes", "CoworkerId"]),
            " (did you mean `notes`?)"
        );
        assert_eq!(did_you_mean("zzz", ["Notes"]), "");
    }
}
