//! A draft spec file from a catalogue page, for an entity the spec does not have yet.
//!
//! The page gives names, types, write rules, PII categories, enum values and inline
//! children; it does not give the path's area, the exact spelling where a flag is an alias,
//! or any prose. So the draft fills in the area it is told, the API's naming conventions
//! (filters `Entity_Field` without a trailing `Id`, `from_`/`to_` ranges, `Entity-Action`
//! roles) marked as guesses where they are, and `TODO` for every `docs:`.

use super::super::entity::{
    BASE_FIELDS, Child, Draft, Endpoint, Field, Filter, Joined, NewEnum, Notes, RangeFilter, sort,
};
use super::super::types::{Typing, map_type};
use super::page::{CatField, CataloguePage, wire_of};

/// Enumerations already declared: `(API name, [(value, name)])`, to reuse one whose values
/// are the page's.
pub type KnownEnums<'a> = &'a [(String, Vec<(i64, String)>)];

/// What drafting needs besides the page.
pub struct Context<'a> {
    /// The page's name in `sources:` (`skills:bookings.md`).
    pub source: &'a str,
    /// The API area of the entity's paths.
    pub area: &'a str,
    /// Entity names the catalogue and the spec know, to type ids.
    pub entities: &'a [String],
    pub enums: KnownEnums<'a>,
}

/// The catalogue type of a field as the 2020 drafter's page types, for [`map_type`].
fn page_type(ty: &str) -> &str {
    match ty {
        "list, repeat flag" => "long[]",
        "DateTime" => "datetime",
        other => other,
    }
}

/// The enumeration for a field with these values: a declared one with the same values,
/// else a new name (`e<Entity><Field>`), marked as a guess.
fn enum_for(
    entity: &str,
    wire: &str,
    values: &[(i64, String)],
    known: KnownEnums,
) -> (String, bool) {
    let same = |declared: &[(i64, String)]| {
        !values.is_empty()
            && values.iter().all(|v| {
                declared
                    .iter()
                    .any(|d| d.0 == v.0 && d.1.eq_ignore_ascii_case(&v.1))
            })
    };
    match known.iter().find(|(_, declared)| same(declared)) {
        Some((name, _)) => (name.clone(), false),
        None => (format!("e{entity}{wire}"), true),
    }
}

impl Draft {
    /// Drafts the entity of a catalogue page.
    pub fn from_catalogue(page: &CataloguePage, cx: &Context) -> Draft {
        let entity = page.entity.clone();
        let cat_fields: Vec<CatField> = page.fields();
        let mut header_notes = Vec::new();

        // Enumerations first: fields are typed by the one each uses.
        let mut enum_types: Vec<(String, String)> = Vec::new();
        let mut enum_values: Vec<NewEnum> = Vec::new();
        let mut enum_guesses: Vec<String> = Vec::new();
        for (flag, values) in &page.enums {
            let wire = wire_of(flag);
            let (name, guessed) = enum_for(&entity, &wire, values, cx.enums);
            if guessed {
                enum_guesses.push(wire.clone());
            }
            enum_types.push((wire.clone(), name.clone()));
            match enum_values.iter_mut().find(|e| e.name == name) {
                Some(e) => e.users.push(wire),
                None => enum_values.push(NewEnum {
                    name,
                    values: values.clone(),
                    users: vec![wire],
                }),
            }
        }
        let typing = Typing {
            enums: &enum_types,
            related: cx.entities,
        };

        let mut fields = Vec::new();
        let mut joined = Vec::new();
        for f in &cat_fields {
            if BASE_FIELDS.contains(&f.wire.as_str()) {
                continue;
            }
            let mut notes = Notes::new();
            let raw = if f.ty == "enum" && !enum_types.iter().any(|(w, _)| *w == f.wire) {
                notes.push((
                    "type",
                    "an enumeration whose values the page does not give".into(),
                ));
                "int"
            } else {
                page_type(&f.ty)
            };
            let typed = map_type(raw, &f.wire, None, &typing);
            notes.extend(typed.note.map(|n| ("type", n)));
            if enum_guesses.contains(&f.wire) {
                notes.push((
                    "type",
                    "no declared enumeration has these values; the name is made up".into(),
                ));
            }
            if f.display_only {
                joined.push(Joined {
                    wire: f.wire.clone(),
                    ty: typed.ty,
                    pii: f.pii.clone(),
                    notes: vec![(
                        "wire",
                        "named only by the PII table: a display field of list records".into(),
                    )],
                });
                continue;
            }
            let write = match (f.create, f.update, f.body_only) {
                (_, _, true) => Some(vec!["create", "update"]),
                (true, true, _) if f.said_create_only => {
                    notes.push((
                        "write",
                        "the update options list it, but its description says create-only".into(),
                    ));
                    Some(vec!["create"])
                }
                (true, true, _) => None,
                (true, false, _) => Some(vec!["create"]),
                (false, true, _) => Some(vec!["update"]),
                (false, false, _) => Some(Vec::new()),
            };
            fields.push(Field {
                wire: f.wire.clone(),
                ty: typed.ty,
                required: f.required && f.create,
                nullable: false,
                read: !f.body_only,
                write,
                in_list: !f.get_only,
                pii: f.pii.clone(),
                notes,
            });
        }

        // Filters on what answers carry, named as the API names them: an id field without
        // its `Id` (`Booking_Resource` filters `ResourceId`).
        let prefix = format!("{entity}_");
        let mut filters = vec![
            Filter {
                query: "Id".into(),
                field: "Id".into(),
            },
            Filter {
                query: "UniqueId".into(),
                field: "UniqueId".into(),
            },
        ];
        for f in cat_fields.iter().filter(|f| f.filter && !f.body_only) {
            if BASE_FIELDS.contains(&f.wire.as_str()) {
                continue;
            }
            let is_id = fields
                .iter()
                .any(|d| d.wire == f.wire && d.ty.starts_with("id<"));
            let stem = match f.wire.strip_suffix("Id") {
                Some(stem) if is_id && !stem.is_empty() => stem,
                _ => &f.wire,
            };
            filters.push(Filter {
                query: format!("{prefix}{stem}"),
                field: f.wire.clone(),
            });
        }
        let ranges: Vec<RangeFilter> = page
            .ranges
            .iter()
            .map(|flag| {
                let wire = wire_of(flag);
                RangeFilter {
                    from: format!("from_{prefix}{wire}"),
                    to: format!("to_{prefix}{wire}"),
                    field: wire,
                }
            })
            .collect();

        let children = page
            .children
            .iter()
            .map(|c| {
                let wire = wire_of(&c.flag);
                let (element, note) = element_entity(&entity, &wire, cx.entities);
                Child {
                    wire,
                    entity: element,
                    properties: c.properties.clone(),
                    write: None,
                    notes: note.map(|n| vec![("entity", n)]).unwrap_or_default(),
                }
            })
            .collect();

        let endpoints = endpoints(page, &entity, cx.area);
        if !page.supports.search && !page.supports.get {
            header_notes.push("The page names neither Search nor Get.".to_owned());
        }
        let sort = sort(&fields, Vec::new());
        let create_params = page.create.len();
        Draft {
            entity,
            area: cx.area.to_owned(),
            source: cx.source.to_owned(),
            fields,
            joined,
            filters,
            ranges,
            sort,
            endpoints,
            enums: Default::default(),
            enum_values,
            children,
            create_params,
            unrecognised: Vec::new(),
            header_notes,
        }
    }
}

/// The entity of a child array's elements: `<Parent><Singular>` (`ResourceTimeSlot` for a
/// resource's `TimeSlots`) or `<Singular>` (`BookingProduct` for `BookingProducts`),
/// whichever is known; a guess either way.
fn element_entity(parent: &str, wire: &str, known: &[String]) -> (String, Option<String>) {
    let singular = wire.strip_suffix('s').unwrap_or(wire);
    let candidates = [format!("{parent}{singular}"), singular.to_owned()];
    match candidates.iter().find(|c| known.contains(c)) {
        Some(found) => (found.clone(), None),
        None => (
            candidates[0].clone(),
            Some("no known entity is named after the array".into()),
        ),
    }
}

/// The endpoints the page says the entity supports, at the API's usual paths and roles.
fn endpoints(page: &CataloguePage, entity: &str, area: &str) -> Vec<Endpoint> {
    let list = format!("/api/{area}/{}", page.path_segment());
    let s = page.supports;
    let guess = |kind: &'static str, path: String, action: &str, query: Option<String>| Endpoint {
        kind,
        name: None,
        path,
        role: format!("{entity}-{action}"),
        query,
        decision: None,
        notes: Vec::new(),
    };
    let mut out = Vec::new();
    if s.search {
        out.push(guess("list", list.clone(), "List", None));
        out.push(guess(
            "find_by_ids",
            list.clone(),
            "List",
            Some(format!("{entity}_Id")),
        ));
    }
    if s.get {
        out.push(guess("get", format!("{list}/{{Id}}"), "Read", None));
    }
    if s.create {
        out.push(guess("create", list.clone(), "Create", None));
    }
    if s.update {
        out.push(guess("update", list.clone(), "Edit", None));
    }
    if s.delete {
        out.push(guess("delete", format!("{list}/{{Id}}"), "Delete", None));
    }
    if s.commands {
        out.push(guess("commands", format!("{list}/commands"), "List", None));
        out.push(guess(
            "run_command",
            format!("{list}/runcommand"),
            "Edit",
            None,
        ));
    }
    out
}
