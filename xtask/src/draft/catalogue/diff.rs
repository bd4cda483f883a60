//! What a catalogue page says that the spec's entity does not: names it lacks, types and
//! write rules that differ, enum values it does not name, PII categories, children and
//! endpoints. Read-only: the spec's docs and decisions are a person's to change, so this
//! only reports (and, on request, prints paste-ready YAML for what is missing).

use std::fmt::Write as _;

use codegen::model::{EndpointKind, Entity, Field, Type};

use super::super::entity::BASE_FIELDS;
use super::page::{CatField, CataloguePage, wire_of};

/// One difference between a page and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// A field the page names and the spec lacks: (wire, catalogue type, where the page
    /// names it).
    MissingField {
        wire: String,
        ty: String,
        seen: String,
    },
    MissingFilter {
        wire: String,
    },
    MissingRange {
        wire: String,
    },
    /// The catalogue's type does not fit the spec's.
    Type {
        wire: String,
        catalogue: String,
        spec: String,
    },
    /// Which bodies may write it.
    Write {
        wire: String,
        catalogue: String,
        spec: String,
    },
    Required {
        wire: String,
        catalogue: bool,
    },
    /// Enum values the page gives that the spec's enumeration lacks or names otherwise.
    EnumValues {
        wire: String,
        enumeration: String,
        missing: Vec<(i64, String)>,
    },
    /// A field the page gives enum values for that the spec types as a plain integer.
    NotAnEnum {
        wire: String,
        values: Vec<(i64, String)>,
    },
    Pii {
        wire: String,
        catalogue: String,
        spec: Option<String>,
    },
    MissingChild {
        wire: String,
        properties: Vec<String>,
    },
    ChildProperties {
        wire: String,
        missing: Vec<String>,
    },
    /// A field of the spec the page does not name, whose `decision:` does not say why it is
    /// kept (it names neither the catalogue nor `skills:`).
    OnlyInSpec {
        wire: String,
    },
    /// An operation the page says the entity supports and the spec lacks, or the reverse.
    Endpoint {
        kind: &'static str,
        catalogue: bool,
    },
}

impl Difference {
    /// A short kind, for counts.
    pub fn kind(&self) -> &'static str {
        match self {
            Difference::MissingField { .. } => "missing field",
            Difference::MissingFilter { .. } => "missing filter",
            Difference::MissingRange { .. } => "missing range filter",
            Difference::Type { .. } => "type differs",
            Difference::Write { .. } => "write rule differs",
            Difference::Required { .. } => "required differs",
            Difference::EnumValues { .. } => "enum values missing",
            Difference::NotAnEnum { .. } => "enum typed as integer",
            Difference::Pii { .. } => "PII category differs",
            Difference::MissingChild { .. } => "missing child array",
            Difference::ChildProperties { .. } => "child properties missing",
            Difference::OnlyInSpec { .. } => "only in the spec, no decision",
            Difference::Endpoint { .. } => "endpoint differs",
        }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::MissingField { wire, ty, seen } => {
                write!(f, "missing field `{wire}` ({ty}; {seen})")
            }
            Difference::MissingFilter { wire } => write!(f, "missing filter on `{wire}`"),
            Difference::MissingRange { wire } => write!(f, "missing range filter on `{wire}`"),
            Difference::Type {
                wire,
                catalogue,
                spec,
            } => write!(f, "`{wire}`: catalogue type {catalogue}, spec {spec}"),
            Difference::Write {
                wire,
                catalogue,
                spec,
            } => write!(f, "`{wire}`: catalogue writes it {catalogue}, spec {spec}"),
            Difference::Required { wire, catalogue } => write!(
                f,
                "`{wire}`: {} on create in the catalogue, {} in the spec",
                if *catalogue { "required" } else { "optional" },
                if *catalogue { "optional" } else { "required" }
            ),
            Difference::EnumValues {
                wire,
                enumeration,
                missing,
            } => write!(f, "`{wire}`: {enumeration} lacks {}", values_text(missing)),
            Difference::NotAnEnum { wire, values } => write!(
                f,
                "`{wire}`: an enumeration in the catalogue ({}), a plain integer in the spec",
                values_text(values)
            ),
            Difference::Pii {
                wire,
                catalogue,
                spec,
            } => write!(
                f,
                "`{wire}`: PII {catalogue} in the catalogue, {} in the spec",
                spec.as_deref().unwrap_or("none")
            ),
            Difference::MissingChild { wire, properties } => write!(
                f,
                "missing child array `{wire}` ({})",
                properties.join(", ")
            ),
            Difference::ChildProperties { wire, missing } => {
                write!(f, "child array `{wire}` lacks {}", missing.join(", "))
            }
            Difference::OnlyInSpec { wire } => write!(
                f,
                "`{wire}` is not in the catalogue; keep it with a `decision:` that says so, or remove it"
            ),
            Difference::Endpoint { kind, catalogue } => write!(
                f,
                "endpoint `{kind}`: {}",
                if *catalogue {
                    "the catalogue says it is supported, the spec lacks it"
                } else {
                    "in the spec, but the catalogue does not say it is supported"
                }
            ),
        }
    }
}

fn values_text(values: &[(i64, String)]) -> String {
    values
        .iter()
        .map(|(v, n)| format!("{v} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Letters and digits only, lowercased: how names are compared (`Office365EventId`,
/// `--office365-event-id`).
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The spec's field for a catalogue option: by its `flag:`, else by its name.
fn find<'e>(entity: &'e Entity, cat: &CatField) -> Option<&'e Field> {
    let fields = || entity.fields.iter().chain(&entity.joined);
    fields()
        .find(|f| f.flag.as_deref() == Some(cat.flag.as_str()))
        .or_else(|| fields().find(|f| squash(&f.wire) == squash(&cat.wire)))
}

/// Whether a catalogue type fits a spec type.
pub(super) fn type_fits(catalogue: &str, field: &Field) -> bool {
    let spec = &field.ty;
    match catalogue {
        "long" | "int" => matches!(spec, Type::Integer | Type::Id(_) | Type::Enum(_)),
        // The catalogue calls every GUID text; a name the API gives GUIDs makes one, any
        // other needs a decision (spec/README.md, "GUIDs typed `string`").
        "string" => {
            matches!(spec, Type::String | Type::Json)
                || (matches!(spec, Type::Guid)
                    && (field.wire.ends_with("Guid")
                        || field.wire.ends_with("UniqueId")
                        || explains_guid(field.decision.as_deref())))
        }
        "bool" => matches!(spec, Type::Boolean),
        "DateTime" => matches!(spec, Type::DateTime),
        "decimal" => matches!(spec, Type::Decimal | Type::Money),
        "enum" => matches!(spec, Type::Enum(_) | Type::Integer),
        "list, repeat flag" => matches!(spec, Type::Ids(_)),
        _ => true,
    }
}

fn write_text(create: bool, update: bool) -> String {
    match (create, update) {
        (true, true) => "on create and update".into(),
        (true, false) => "on create only".into(),
        (false, true) => "on update only".into(),
        (false, false) => "never (read-only)".into(),
    }
}

/// Whether a `decision:` speaks of the catalogue, and so explains where the spec departs
/// from it.
fn explains(decision: Option<&str>) -> bool {
    decision.is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        d.contains("catalogue") || d.contains("skills:")
    })
}

/// Whether a `decision:` explains reading the catalogue's text as a GUID: it speaks of the
/// catalogue and of the type, not only of something else (a required flag, a write rule).
fn explains_guid(decision: Option<&str>) -> bool {
    explains(decision)
        && decision.is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            d.contains("guid") || d.contains("string")
        })
}

/// Every difference between the page and the spec's entity.
pub fn diff(page: &CataloguePage, entity: &Entity) -> Vec<Difference> {
    let mut out = Vec::new();
    for cat in page.fields() {
        let Some(field) = find(entity, &cat) else {
            let seen = [
                (cat.filter, "filter"),
                (cat.range, "range"),
                (cat.create, "create"),
                (cat.update, "update"),
                (cat.pii.is_some(), "PII"),
                (cat.get_only || cat.body_only, "get only"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, what)| *what)
            .collect::<Vec<_>>()
            .join(", ");
            out.push(Difference::MissingField {
                wire: cat.wire.clone(),
                ty: cat.ty.clone(),
                seen,
            });
            continue;
        };
        let wire = field.wire.clone();
        if !type_fits(&cat.ty, field) {
            out.push(Difference::Type {
                wire: wire.clone(),
                catalogue: cat.ty.clone(),
                spec: field.ty.spec_name(),
            });
        }
        // Joined display fields and the base fields are never written; the page's tables
        // say nothing of them.
        let own = !BASE_FIELDS.contains(&field.wire.as_str())
            && !entity.joined.iter().any(|j| j.wire == field.wire);
        if own && !cat.display_only && !cat.body_only && !cat.get_only {
            let create = cat.create && !(cat.update && cat.said_create_only);
            if (create, cat.update) != (field.create, field.update) {
                out.push(Difference::Write {
                    wire: wire.clone(),
                    catalogue: write_text(create, cat.update),
                    spec: write_text(field.create, field.update),
                });
            }
            if cat.create && cat.required != field.required {
                out.push(Difference::Required {
                    wire: wire.clone(),
                    catalogue: cat.required,
                });
            }
        }
        if let Some(values) = page.enum_values(&cat.flag) {
            match &field.ty {
                Type::Enum(e) => {
                    let missing: Vec<(i64, String)> = values
                        .iter()
                        .filter(|(v, n)| {
                            !e.values.iter().any(|known| {
                                known.value == *v && known.name.eq_ignore_ascii_case(n)
                            })
                        })
                        .cloned()
                        .collect();
                    if !missing.is_empty() {
                        out.push(Difference::EnumValues {
                            wire: wire.clone(),
                            enumeration: e.name.clone(),
                            missing,
                        });
                    }
                }
                _ => out.push(Difference::NotAnEnum {
                    wire: wire.clone(),
                    values: values.to_vec(),
                }),
            }
        }
        if let Some(category) = &cat.pii
            && field.pii.map(|p| p.as_str()) != Some(category.as_str())
        {
            out.push(Difference::Pii {
                wire: wire.clone(),
                catalogue: category.clone(),
                spec: field.pii.map(|p| p.as_str().to_owned()),
            });
        }
        if cat.filter && !cat.body_only && !entity.filters.iter().any(|f| f.field == field.wire) {
            out.push(Difference::MissingFilter { wire: wire.clone() });
        }
        if cat.range && !entity.range_filters.iter().any(|r| r.field == field.wire) {
            out.push(Difference::MissingRange { wire });
        }
    }
    let cat_fields = page.fields();
    let named = |field: &Field| {
        cat_fields.iter().any(|cat| {
            field.flag.as_deref() == Some(cat.flag.as_str())
                || squash(&field.wire) == squash(&cat.wire)
        }) || page
            .children
            .iter()
            .any(|c| squash(&wire_of(&c.flag)) == squash(&field.wire))
            || page
                .ranges
                .iter()
                .any(|r| squash(&wire_of(r)) == squash(&field.wire))
    };
    for field in entity.fields.iter().chain(&entity.joined) {
        let explained = explains(field.decision.as_deref());
        if !BASE_FIELDS.contains(&field.wire.as_str()) && !named(field) && !explained {
            out.push(Difference::OnlyInSpec {
                wire: field.wire.clone(),
            });
        }
    }
    for child in &page.children {
        let wire = wire_of(&child.flag);
        let found = entity
            .fields
            .iter()
            .find(|f| squash(&f.wire) == squash(&wire));
        match found.map(|f| &f.ty) {
            Some(Type::Children(spec)) => {
                let missing: Vec<String> = child
                    .properties
                    .iter()
                    .filter(|p| !spec.properties.iter().any(|s| s.wire == **p))
                    .cloned()
                    .collect();
                if !missing.is_empty() {
                    out.push(Difference::ChildProperties { wire, missing });
                }
            }
            _ => out.push(Difference::MissingChild {
                wire,
                properties: child.properties.clone(),
            }),
        }
    }
    let s = page.supports;
    for (kind, key, supported) in [
        (EndpointKind::List, "list", s.search),
        (EndpointKind::Get, "get", s.get),
        (EndpointKind::Create, "create", s.create),
        (EndpointKind::Update, "update", s.update),
        (EndpointKind::Delete, "delete", s.delete),
        (EndpointKind::RunCommand, "run_command", s.commands),
    ] {
        // The page's support sentence is explicit about the five operations; of commands
        // it only ever says that an entity has them, and commands it does not mention are
        // kept (spec/README.md, "entity commands"): only missing ones are reported.
        let explicit = kind != EndpointKind::RunCommand;
        if supported != entity.has(kind) && (supported || explicit) {
            out.push(Difference::Endpoint {
                kind: key,
                catalogue: supported,
            });
        }
    }
    out
}

/// The report of one entity: a heading, then one line per difference.
pub fn report(page_name: &str, entity: &Entity, differences: &[Difference]) -> String {
    let mut r = String::new();
    let _ = writeln!(
        r,
        "{} ({}; catalogue {page_name}): {}",
        entity.name,
        entity.file.display(),
        if differences.is_empty() {
            "no differences".to_owned()
        } else {
            format!("{} differences", differences.len())
        }
    );
    for d in differences {
        let _ = writeln!(r, "  - {d}");
    }
    r
}
