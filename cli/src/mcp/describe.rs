//! The answers made from the spec alone: list_entities and describe_entity.

use nexudus::{ENTITIES, EndpointKind, EntitySchema, FieldKind, FieldSchema, SERVICE};
use serde_json::{Map, Value, json};

use super::tools::Name;
use crate::names::{filter_short_name, normalize};
use crate::values;

/// list_entities: entity names by area, optionally of one area or matching `search`.
pub fn entities(area: Option<&str>, search: Option<&str>) -> Value {
    let wanted = search.map(normalize);
    let mut areas = Map::new();
    let mut count = 0;
    for schema in ENTITIES {
        if area.is_some_and(|a| !a.eq_ignore_ascii_case(schema.area)) {
            continue;
        }
        if wanted
            .as_deref()
            .is_some_and(|w| !normalize(schema.name).contains(w))
        {
            continue;
        }
        count += 1;
        if let Value::Array(names) = areas
            .entry(schema.area)
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            names.push(json!(schema.name));
        }
    }
    json!({
        "count": count,
        "areas": areas,
        "note": "describe_entity gives an entity's fields, filters, operations and roles",
    })
}

/// describe_entity: everything the spec says of an entity.
pub fn entity(schema: &'static EntitySchema) -> Value {
    let mut answer = Map::new();
    answer.insert("entity".into(), json!(schema.name));
    answer.insert("area".into(), json!(schema.area));
    answer.insert("docs".into(), json!(schema.docs));
    answer.insert("operations".into(), operations(schema));
    answer.insert(
        "fields".into(),
        schema.fields.iter().map(field).collect::<Vec<_>>().into(),
    );
    if !schema.joined.is_empty() {
        answer.insert(
            "joined_fields".into(),
            json!({
                "note": "read-only fields of related records that list records carry",
                "fields": schema.joined.iter().map(field).collect::<Vec<_>>(),
            }),
        );
    }
    let children: Vec<Value> = schema
        .fields
        .iter()
        .filter_map(|f| match f.kind {
            FieldKind::Children(child) => Some(json!({
                "field": f.wire,
                "entity": child.entity,
                "link": child.link,
                "note": format!(
                    "create and update take an array of {} objects; each gets its {} from \
                     the record", child.entity, child.link
                ),
                "properties": child.properties.iter().map(field).collect::<Vec<_>>(),
            })),
            _ => None,
        })
        .collect();
    if !children.is_empty() {
        answer.insert("inline_children".into(), children.into());
    }
    let filters: Vec<Value> = schema
        .filters
        .iter()
        .map(|f| {
            let short = filter_short_name(schema, f);
            let mut filter = json!({
                "field": f.field,
                "query": f.query,
                "type": schema.field(f.field).map(|field| values::short(field.kind)),
            });
            if short != f.field && short != f.query {
                filter["name"] = json!(short);
            }
            filter
        })
        .collect();
    answer.insert("filters".into(), filters.into());
    let ranges: Vec<Value> = schema
        .range_filters
        .iter()
        .map(|r| {
            json!({
                "field": r.field,
                "type": schema.field(r.field).map(|field| values::short(field.kind)),
            })
        })
        .collect();
    answer.insert("range_filters".into(), ranges.into());
    answer.insert("sort".into(), json!(schema.sort));
    answer.insert(
        "values".into(),
        json!(format!(
            "ids and numbers as JSON numbers; enumerations by number or name; date-times as \
             2025-01-15T10:30 or RFC 3339 (filters compare to the minute: {}); booleans as \
             true or false; GUIDs as text",
            SERVICE.filter_datetime_format
        )),
    );
    Value::Object(answer)
}

/// Each operation: the tool that does it, the role it needs, and the HTTP call.
fn operations(schema: &EntitySchema) -> Value {
    let mut out = Vec::new();
    for endpoint in schema.endpoints {
        let tool = Name::of_endpoint(endpoint.kind).map(Name::as_str);
        let operation = match endpoint.kind {
            EndpointKind::List => "list",
            EndpointKind::FindByIds => "find by ids",
            EndpointKind::Get => "get",
            EndpointKind::Create => "create",
            EndpointKind::Update => "update",
            EndpointKind::Delete => "delete",
            EndpointKind::Commands => "list commands",
            EndpointKind::RunCommand => "run a command",
            EndpointKind::Download => "download a file",
        };
        let mut entry = json!({
            "operation": operation,
            "role": endpoint.endpoint.role,
            "http": format!("{} {}", endpoint.endpoint.method.as_str(), endpoint.endpoint.path),
        });
        match tool {
            Some(tool) => entry["tool"] = json!(tool),
            None => entry["tool"] = Value::Null,
        }
        if let Some(file) = endpoint.download_name() {
            entry["file"] = json!(file);
        }
        out.push(entry);
    }
    Value::Array(out)
}

/// One field: only what differs from the common case is written, to keep answers short.
fn field(f: &FieldSchema) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(f.wire));
    out.insert("type".into(), json!(values::short(f.kind)));
    match f.kind {
        FieldKind::Id(entity) | FieldKind::Ids(entity) => {
            out.insert("references".into(), json!(entity));
        }
        FieldKind::Enum(e) if !e.values.is_empty() => {
            let values: Vec<Value> = e
                .values
                .iter()
                .map(|(number, name)| json!({"value": number, "name": name}))
                .collect();
            out.insert("values".into(), values.into());
        }
        _ => {}
    }
    if f.required {
        out.insert("required_on_create".into(), json!(true));
    }
    let write = match (f.create, f.update) {
        (true, true) => "create, update",
        (true, false) => "create only",
        (false, true) => "update only",
        (false, false) => "read-only",
    };
    out.insert("write".into(), json!(write));
    if !f.read {
        out.insert("in_answers".into(), json!(false));
    } else if !f.in_list {
        out.insert("in_list".into(), json!(false));
    }
    if !f.nullable {
        out.insert("nullable".into(), json!(false));
    }
    if let Some(category) = f.pii {
        out.insert("pii".into(), json!(category.as_str()));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(name: &str) -> &'static EntitySchema {
        ENTITIES
            .iter()
            .find(|e| e.name == name)
            .expect("in the spec")
    }

    #[test]
    fn entities_are_grouped_by_area_and_can_be_searched() {
        let all = entities(None, None);
        assert_eq!(all["count"], json!(ENTITIES.len()));
        let some = entities(None, Some("discount-code"));
        let billing = some["areas"]["billing"].as_array().expect("billing");
        assert!(billing.contains(&json!("CoworkerDiscountCode")));
        assert_eq!(entities(Some("no-such-area"), None)["count"], 0);
    }

    #[test]
    fn an_entity_is_described_with_fields_filters_sort_and_roles() {
        let d = entity(schema("CoworkerDiscountCode"));
        // The entity's docs, from the spec.
        assert!(
            d["docs"].as_str().unwrap().contains("discount code"),
            "{}",
            d["docs"]
        );
        let fields = d["fields"].as_array().unwrap();
        let coworker = fields.iter().find(|f| f["name"] == "CoworkerId").unwrap();
        assert_eq!(coworker["type"], "id<Coworker>");
        assert_eq!(coworker["references"], "Coworker");
        assert_eq!(coworker["required_on_create"], true);
        let notes = fields.iter().find(|f| f["name"] == "Notes").unwrap();
        assert_eq!(notes["pii"], "BIO");
        assert_eq!(notes["in_list"], false);
        let id = fields.iter().find(|f| f["name"] == "Id").unwrap();
        assert_eq!(id["write"], "read-only");
        let list = d["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["tool"] == "list")
            .unwrap();
        assert_eq!(list["role"], "CoworkerDiscountCode-List");
        assert!(
            d["filters"].as_array().unwrap().iter().any(
                |f| f["field"] == "CoworkerId" && f["query"] == "CoworkerDiscountCode_Coworker"
            )
        );
        assert!(d["sort"].as_array().unwrap().contains(&json!("CreatedOn")));
        assert!(!d["range_filters"].as_array().unwrap().is_empty());
    }

    #[test]
    fn enumerations_give_values_by_number_and_name() {
        let with_enum = ENTITIES
            .iter()
            .find_map(|e| {
                e.fields.iter().find_map(|f| match f.kind {
                    FieldKind::Enum(en) if !en.values.is_empty() => Some((e, f, en)),
                    _ => None,
                })
            })
            .expect("an enumeration in the spec");
        let (schema, field, en) = with_enum;
        let d = entity(schema);
        let described = d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == field.wire)
            .unwrap();
        let (number, name) = en.values[0];
        assert_eq!(
            described["values"][0],
            json!({"value": number, "name": name})
        );
    }

    #[test]
    fn every_entity_is_described_within_bounds() {
        for schema in ENTITIES {
            let size = super::super::bound::size_of(&entity(schema));
            // A description is read whole: it must stay a modest part of a context.
            assert!(size < 120_000, "{}: {size} bytes", schema.name);
        }
    }
}
