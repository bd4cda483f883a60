//! Values typed on the command line, read by the kind the spec gives each field, before any
//! request: a value of the wrong type is refused naming the field, never sent.

use std::str::FromStr as _;

use nexudus::{DateTime, Decimal, FieldKind, Uuid};
use serde_json::Value;

/// How a value of `kind` is written on the command line, for help.
pub fn describe(kind: FieldKind) -> String {
    match kind {
        FieldKind::Id(entity) => format!("id of {entity}"),
        FieldKind::Ids(entity) => format!("ids of {entity}, as 1,2,3"),
        FieldKind::Integer => "whole number".into(),
        FieldKind::Decimal => "decimal number".into(),
        FieldKind::Money => "money amount".into(),
        FieldKind::Enum(e) if e.values.is_empty() => format!("{} (a number)", e.name),
        FieldKind::Enum(e) => {
            let values: Vec<String> = e.values.iter().map(|(v, n)| format!("{v} {n}")).collect();
            format!("{}: {}", e.name, values.join(", "))
        }
        FieldKind::Boolean => "true or false".into(),
        FieldKind::String => "text".into(),
        FieldKind::DateTime => "date-time, as 2025-01-15T10:30 or RFC 3339".into(),
        FieldKind::Guid => "GUID".into(),
        FieldKind::Json => "JSON".into(),
        FieldKind::Children(child) => {
            let properties: Vec<&str> = child.properties.iter().map(|p| p.wire).collect();
            format!(
                "JSON array of {} objects with {}",
                child.entity,
                properties.join(", ")
            )
        }
    }
}

/// A value's kind in a few characters, as the spec writes types, for tables of fields.
pub fn short(kind: FieldKind) -> String {
    match kind {
        FieldKind::Id(entity) => format!("id<{entity}>"),
        FieldKind::Ids(entity) => format!("ids<{entity}>"),
        FieldKind::Integer => "integer".into(),
        FieldKind::Decimal => "decimal".into(),
        FieldKind::Money => "money".into(),
        FieldKind::Enum(e) => format!("enum<{}>", e.name),
        FieldKind::Boolean => "boolean".into(),
        FieldKind::String => "text".into(),
        FieldKind::DateTime => "date-time".into(),
        FieldKind::Guid => "GUID".into(),
        FieldKind::Json => "JSON".into(),
        FieldKind::Children(child) => format!("children<{}>", child.entity),
    }
}

/// The placeholder of a flag's value in usage lines.
pub fn value_name(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Id(_) => "ID",
        FieldKind::Ids(_) => "IDS",
        FieldKind::Integer => "N",
        FieldKind::Decimal | FieldKind::Money => "AMOUNT",
        FieldKind::Enum(_) => "VALUE",
        FieldKind::Boolean => "BOOL",
        FieldKind::String => "TEXT",
        FieldKind::DateTime => "DATETIME",
        FieldKind::Guid => "GUID",
        FieldKind::Json | FieldKind::Children(_) => "JSON",
    }
}

/// Longest input quoted back in an error.
const MAX_QUOTED: usize = 40;

fn quoted(raw: &str) -> String {
    let mut text: String = raw.chars().take(MAX_QUOTED).collect();
    if text.len() < raw.len() {
        text.push('…');
    }
    format!("`{text}`")
}

fn whole_number(raw: &str) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| format!("{} is not a whole number", quoted(raw)))
}

fn id(raw: &str) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| format!("{} is not an id (a whole number)", quoted(raw)))
}

fn boolean(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!("{} is not true or false", quoted(raw))),
    }
}

fn date_time(raw: &str) -> Result<DateTime, String> {
    DateTime::parse(raw).map_err(|_| {
        format!(
            "{} is not a date-time (write e.g. 2025-01-15T10:30 or 2025-01-15T10:30:00Z)",
            quoted(raw)
        )
    })
}

fn decimal(raw: &str) -> Result<Value, String> {
    let number = Decimal::from_str(raw.trim())
        .map_err(|_| format!("{} is not a decimal number", quoted(raw)))?;
    // As a JSON number: the API's JSON has no other way to carry it.
    serde_json::from_str(&number.to_string())
        .map_err(|_| format!("{} is not a decimal number", quoted(raw)))
}

fn enum_value(e: &nexudus::EnumSchema, raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if let Ok(number) = raw.parse::<i64>() {
        // Numbers the spec does not name are the API's to judge: the spec may lag it.
        return Ok(number);
    }
    e.value_of(raw).ok_or_else(|| {
        let names: Vec<&str> = e.values.iter().map(|(_, n)| *n).collect();
        if names.is_empty() {
            format!("{} is not a number of {}", quoted(raw), e.name)
        } else {
            format!(
                "{} is not a value of {} ({})",
                quoted(raw),
                e.name,
                names.join(", ")
            )
        }
    })
}

/// A value typed on the command line as the JSON a body carries.
pub fn parse(kind: FieldKind, raw: &str) -> Result<Value, String> {
    Ok(match kind {
        FieldKind::Id(_) => id(raw)?.into(),
        FieldKind::Ids(_) => {
            let inner = raw.trim();
            let inner = inner
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .unwrap_or(inner);
            let ids: Vec<i64> = inner
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(id)
                .collect::<Result<_, _>>()?;
            ids.into()
        }
        FieldKind::Integer => whole_number(raw)?.into(),
        FieldKind::Decimal | FieldKind::Money => decimal(raw)?,
        FieldKind::Enum(e) => enum_value(e, raw)?.into(),
        FieldKind::Boolean => boolean(raw)?.into(),
        FieldKind::String => raw.into(),
        FieldKind::DateTime => date_time(raw)?.to_string().into(),
        FieldKind::Guid => Uuid::parse_str(raw.trim())
            .map_err(|_| format!("{} is not a GUID", quoted(raw)))?
            .to_string()
            .into(),
        FieldKind::Json => {
            serde_json::from_str(raw).map_err(|e| format!("{} is not JSON: {e}", quoted(raw)))?
        }
        FieldKind::Children(_) => {
            let value: Value = serde_json::from_str(raw)
                .map_err(|e| format!("{} is not JSON: {e}", quoted(raw)))?;
            check(kind, &value)?
        }
    })
}

/// A filter value as the query carries it: date-times in the service's filter format
/// (`datetime_format`), one id for a field that holds a list of ids.
pub fn filter(kind: FieldKind, raw: &str, datetime_format: &str) -> Result<String, String> {
    Ok(match kind {
        FieldKind::DateTime => date_time(raw)?.to_filter_string(datetime_format),
        FieldKind::Ids(_) | FieldKind::Id(_) => id(raw)?.to_string(),
        FieldKind::String => raw.to_owned(),
        other => match parse(other, raw)? {
            Value::String(text) => text,
            value => value.to_string(),
        },
    })
}

/// Checks a value of a JSON body (`--json`) against the field's kind; answers the value to
/// send: enumeration names become their numbers, everything else is kept as written.
pub fn check(kind: FieldKind, value: &Value) -> Result<Value, String> {
    let wrong = |expected: &str| format!("{value} is not {expected}");
    let ok = value.clone();
    Ok(match (kind, value) {
        (_, Value::Null) => ok,
        (FieldKind::Id(_) | FieldKind::Integer, v) if v.is_i64() => ok,
        (FieldKind::Id(_), _) => return Err(wrong("an id (a whole number)")),
        (FieldKind::Integer, _) => return Err(wrong("a whole number")),
        (FieldKind::Ids(_), Value::Array(items)) if items.iter().all(Value::is_i64) => ok,
        (FieldKind::Ids(_), _) => return Err(wrong("a list of ids, like [1,2]")),
        (FieldKind::Decimal | FieldKind::Money, Value::Number(_)) => ok,
        (FieldKind::Decimal | FieldKind::Money, _) => return Err(wrong("a number")),
        (FieldKind::Enum(_), v) if v.is_i64() => ok,
        (FieldKind::Enum(e), Value::String(name)) => enum_value(e, name)?.into(),
        (FieldKind::Enum(e), _) => return Err(wrong(&format!("a value of {}", e.name))),
        (FieldKind::Boolean, Value::Bool(_)) => ok,
        (FieldKind::Boolean, _) => return Err(wrong("true or false")),
        (FieldKind::String, Value::String(_)) => ok,
        (FieldKind::String, _) => return Err(wrong("text (a JSON string)")),
        (FieldKind::DateTime, Value::String(text)) => {
            date_time(text)?;
            ok
        }
        (FieldKind::DateTime, _) => return Err(wrong("a date-time string")),
        (FieldKind::Guid, Value::String(text)) => {
            Uuid::parse_str(text).map_err(|_| wrong("a GUID"))?;
            ok
        }
        (FieldKind::Guid, _) => return Err(wrong("a GUID string")),
        (FieldKind::Json, _) => ok,
        (FieldKind::Children(child), Value::Array(elements)) => {
            let checked: Vec<Value> = elements
                .iter()
                .enumerate()
                .map(|(i, element)| {
                    check_element(child, element).map_err(|e| format!("element {i}: {e}"))
                })
                .collect::<Result<_, _>>()?;
            checked.into()
        }
        (FieldKind::Children(child), _) => {
            return Err(wrong(&format!("a JSON array of {} objects", child.entity)));
        }
    })
}

/// One element of an inline child array: an object of the element's properties, each
/// checked by its kind.
fn check_element(child: &nexudus::ChildSchema, element: &Value) -> Result<Value, String> {
    let Value::Object(object) = element else {
        return Err(format!("{element} is not an object"));
    };
    let mut checked = serde_json::Map::new();
    for (name, value) in object {
        let Some(property) = child.properties.iter().find(|p| p.wire == name.as_str()) else {
            let known: Vec<&str> = child.properties.iter().map(|p| p.wire).collect();
            return Err(format!(
                "{} is not a property of {} here ({})",
                quoted(name),
                child.entity,
                known.join(", ")
            ));
        };
        let value = check(property.kind, value).map_err(|e| format!("{}: {e}", property.wire))?;
        checked.insert(name.clone(), value);
    }
    if let Some(missing) = child
        .properties
        .iter()
        .find(|p| p.required && checked.get(p.wire).is_none_or(Value::is_null))
    {
        return Err(format!("{} is required", missing.wire));
    }
    Ok(Value::Object(checked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WEEK: nexudus::EnumSchema = nexudus::EnumSchema {
        name: "eTimeSpanWeekMonth",
        values: &[(1, "Week"), (2, "CalendarMonth")],
    };

    #[test]
    fn values_are_read_by_kind() {
        assert_eq!(parse(FieldKind::Id("X"), " 12 "), Ok(json!(12)));
        assert_eq!(parse(FieldKind::Ids("X"), "1,2"), Ok(json!([1, 2])));
        assert_eq!(parse(FieldKind::Ids("X"), "[3, 4]"), Ok(json!([3, 4])));
        assert_eq!(parse(FieldKind::Ids("X"), ""), Ok(json!([])));
        assert_eq!(parse(FieldKind::Money, "12.50"), Ok(json!(12.5)));
        assert_eq!(parse(FieldKind::Decimal, "7"), Ok(json!(7)));
        assert_eq!(parse(FieldKind::Boolean, "Yes"), Ok(json!(true)));
        assert_eq!(parse(FieldKind::Enum(&WEEK), "calendarmonth"), Ok(json!(2)));
        assert_eq!(parse(FieldKind::Enum(&WEEK), "9"), Ok(json!(9)));
        assert_eq!(
            parse(FieldKind::DateTime, "2025-01-15T10:30"),
            Ok(json!("2025-01-15T10:30:00"))
        );
        assert_eq!(
            parse(FieldKind::DateTime, "2025-01-15T10:30:00+02:00"),
            Ok(json!("2025-01-15T08:30:00Z"))
        );
        assert_eq!(
            parse(FieldKind::Guid, "1B111175-A839-4170-B894-0F3066AB5D0B"),
            Ok(json!("1b111175-a839-4170-b894-0f3066ab5d0b"))
        );
        assert_eq!(parse(FieldKind::Json, r#"{"a":1}"#), Ok(json!({"a": 1})));
        assert_eq!(parse(FieldKind::String, " as is "), Ok(json!(" as is ")));
    }

    #[test]
    fn bad_values_are_refused_naming_them() {
        assert_eq!(
            parse(FieldKind::Id("X"), "abc"),
            Err("`abc` is not an id (a whole number)".into())
        );
        assert_eq!(
            parse(FieldKind::Ids("X"), "1,x"),
            Err("`x` is not an id (a whole number)".into())
        );
        assert!(
            parse(FieldKind::DateTime, "2025-02-30T10:00")
                .is_err_and(|e| e.starts_with("`2025-02-30T10:00` is not a date-time"))
        );
        assert_eq!(
            parse(FieldKind::Enum(&WEEK), "Fortnight"),
            Err("`Fortnight` is not a value of eTimeSpanWeekMonth (Week, CalendarMonth)".into())
        );
        assert_eq!(
            parse(FieldKind::Money, "12,5"),
            Err("`12,5` is not a decimal number".into())
        );
        assert_eq!(
            parse(FieldKind::Boolean, "maybe"),
            Err("`maybe` is not true or false".into())
        );
        let long = "x".repeat(100);
        assert!(parse(FieldKind::Integer, &long).is_err_and(|e| e.len() < 80));
    }

    #[test]
    fn filter_values_use_the_service_formats() {
        let format = nexudus::SERVICE.filter_datetime_format;
        assert_eq!(
            filter(FieldKind::DateTime, "2025-01-15T10:30:59Z", format),
            Ok("2025-01-15T10:30".into())
        );
        assert_eq!(filter(FieldKind::Ids("X"), "5", format), Ok("5".into()));
        assert_eq!(filter(FieldKind::Boolean, "yes", format), Ok("true".into()));
        assert_eq!(filter(FieldKind::Money, "2.50", format), Ok("2.5".into()));
    }

    #[test]
    fn json_bodies_are_checked_by_kind() {
        assert_eq!(check(FieldKind::Id("X"), &json!(3)), Ok(json!(3)));
        assert_eq!(check(FieldKind::Id("X"), &json!(null)), Ok(json!(null)));
        assert_eq!(
            check(FieldKind::Id("X"), &json!("3")),
            Err(r#""3" is not an id (a whole number)"#.into())
        );
        assert_eq!(check(FieldKind::Enum(&WEEK), &json!("Week")), Ok(json!(1)));
        assert!(check(FieldKind::DateTime, &json!("yesterday")).is_err());
        assert!(check(FieldKind::Ids("X"), &json!([1, "2"])).is_err());
    }

    const PRODUCTS: nexudus::ChildSchema = nexudus::ChildSchema {
        entity: "BookingProduct",
        link: "BookingId",
        properties: &[
            nexudus::FieldSchema::new("ProductId", FieldKind::Id("Product")).required(),
            nexudus::FieldSchema::new("Repeats", FieldKind::Enum(&WEEK)),
        ],
    };

    #[test]
    fn inline_children_are_checked_element_by_element() {
        let kind = FieldKind::Children(&PRODUCTS);
        assert_eq!(
            parse(kind, r#"[{"ProductId": 4, "Repeats": "CalendarMonth"}]"#),
            Ok(json!([{"ProductId": 4, "Repeats": 2}]))
        );
        assert_eq!(
            parse(kind, r#"[{"ProductId": 4}, {"Repeats": 1}]"#),
            Err("element 1: ProductId is required".into())
        );
        assert_eq!(
            parse(kind, r#"[{"ProductId": 4, "Price": 3}]"#),
            Err(
                "element 0: `Price` is not a property of BookingProduct here (ProductId, Repeats)"
                    .into()
            )
        );
        assert_eq!(
            parse(kind, r#"{"ProductId": 4}"#),
            Err(r#"{"ProductId":4} is not a JSON array of BookingProduct objects"#.into())
        );
    }
}
