//! List queries: the entity's filters and range filters, `orderBy`/`dir`, `page`/`size`,
//! and the page envelope.
//!
//! Matching, as far as the documents leave it open, is a guess (see the module docs of
//! the crate docs): strings match case-insensitively by "contains", date-times to the
//! minute, other values exactly; range filters are inclusive; a record without the field
//! matches no filter on it.

use std::str::FromStr as _;

use chrono::{NaiveDateTime, Timelike as _};
use percent_encoding::percent_decode_str;
use rust_decimal::Decimal;
use serde_json::Value;

use super::store::{Record, Table};
use nexudus::SERVICE;
use nexudus::{DateTime, EntitySchema, FieldKind, Page, Uuid, ValidationError};

/// The field a list is ordered by when the query names none (003: `default=Id`).
const DEFAULT_ORDER: &str = "Id";

/// Splits a query string or form body into decoded name-value pairs (`+` is a space).
pub(crate) fn parse_pairs(raw: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_decode_str(&s).decode_utf8_lossy().into_owned()
    };
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// A value made comparable according to its field's kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    /// Absent, null, or not a value of the kind: sorts first, matches nothing.
    Null,
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Time(NaiveDateTime),
    /// Strings and GUIDs, lowercased: SQL Server's default collation ignores case.
    Text(String),
}

/// Reads a stored value as a key of `kind`.
fn stored_key(kind: FieldKind, value: Option<&Value>) -> Key {
    let Some(value) = value else {
        return Key::Null;
    };
    let key = match kind {
        FieldKind::Integer | FieldKind::Id(_) | FieldKind::Enum(_) => value.as_i64().map(Key::Int),
        FieldKind::Decimal | FieldKind::Money => value
            .as_number()
            .and_then(|n| decimal(&n.to_string()))
            .map(Key::Decimal),
        FieldKind::Boolean => value.as_bool().map(Key::Bool),
        FieldKind::String => value.as_str().map(|s| Key::Text(s.to_lowercase())),
        FieldKind::DateTime => value
            .as_str()
            .and_then(|s| DateTime::parse(s).ok())
            .map(|t| Key::Time(t.naive())),
        FieldKind::Guid => value
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .map(|u| Key::Text(u.to_string())),
        FieldKind::Ids(_) | FieldKind::Json | FieldKind::Children(_) => None,
    };
    key.unwrap_or(Key::Null)
}

/// Reads a JSON number as a decimal. The contract allows any JSON number where .NET binds a
/// `decimal` (±7.9e28, 28 places), so numbers outside that range are clamped and smaller ones
/// round to zero, the same way for stored values and filter values.
fn decimal(text: &str) -> Option<Decimal> {
    if let Some(exact) = Decimal::from_str(text)
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
    {
        return Some(exact);
    }
    let float: f64 = text.parse().ok().filter(|f: &f64| f.is_finite())?;
    Some(if float >= 1e28 {
        Decimal::MAX
    } else if float <= -1e28 {
        Decimal::MIN
    } else {
        Decimal::from_f64_retain(float)
            .map(|d| d.round_dp(28))
            .unwrap_or(Decimal::ZERO)
    })
}

/// Reads a query value as a key of `kind`; `None` if it is not one.
fn query_key(kind: FieldKind, raw: &str) -> Option<Key> {
    let raw = raw.trim();
    match kind {
        FieldKind::Integer | FieldKind::Id(_) | FieldKind::Ids(_) => raw.parse().ok().map(Key::Int),
        // A number the enumeration admits, or (a guess: .NET binds enum names too) a name.
        FieldKind::Enum(schema) => raw
            .parse()
            .ok()
            .or_else(|| schema.value_of(raw))
            .filter(|v| schema.admits(*v))
            .map(Key::Int),
        FieldKind::Decimal | FieldKind::Money => decimal(raw).map(Key::Decimal),
        FieldKind::Boolean => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(Key::Bool(true)),
            "false" | "0" => Some(Key::Bool(false)),
            _ => None,
        },
        FieldKind::String => Some(Key::Text(raw.to_lowercase())),
        FieldKind::DateTime => NaiveDateTime::parse_from_str(raw, SERVICE.filter_datetime_format)
            .ok()
            .or_else(|| DateTime::parse(raw).ok().map(|t| t.naive()))
            .map(|t| Key::Time(to_minute(t))),
        FieldKind::Guid => Uuid::parse_str(raw).ok().map(|u| Key::Text(u.to_string())),
        FieldKind::Json | FieldKind::Children(_) => None,
    }
}

/// Filter values have minutes at most (`YYYY-MM-DDTHH:mm`), so records compare to the minute.
fn to_minute(t: NaiveDateTime) -> NaiveDateTime {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}

/// The record's key for comparing with a filter value.
fn filter_key(kind: FieldKind, value: Option<&Value>) -> Key {
    match stored_key(kind, value) {
        Key::Time(t) => Key::Time(to_minute(t)),
        key => key,
    }
}

/// One condition on a record.
enum Condition {
    /// Equality (contains, for strings).
    Equals {
        field: &'static str,
        kind: FieldKind,
        value: Key,
    },
    /// `from <= value`, `value <= to`.
    AtLeast {
        field: &'static str,
        kind: FieldKind,
        value: Key,
    },
    AtMost {
        field: &'static str,
        kind: FieldKind,
        value: Key,
    },
    /// The record's id is one of these.
    IdIn(Vec<i64>),
}

impl Condition {
    fn matches(&self, table: &Table, record: &Record) -> bool {
        let value = |field: &str| table.value(record, field);
        match self {
            Condition::Equals {
                field,
                kind: FieldKind::Ids(_),
                value: Key::Int(wanted),
            } => value(field)
                .as_deref()
                .and_then(Value::as_array)
                .is_some_and(|ids| ids.iter().any(|id| id.as_i64() == Some(*wanted))),
            Condition::Equals {
                field,
                kind,
                value: wanted,
            } => match (filter_key(*kind, value(field).as_deref()), wanted) {
                (Key::Null, _) => false,
                (Key::Text(text), Key::Text(part)) if *kind == FieldKind::String => {
                    text.contains(part.as_str())
                }
                (key, value) => key == *value,
            },
            Condition::AtLeast {
                field,
                kind,
                value: bound,
            } => {
                let key = filter_key(*kind, value(field).as_deref());
                key != Key::Null && key >= *bound
            }
            Condition::AtMost {
                field,
                kind,
                value: bound,
            } => {
                let key = filter_key(*kind, value(field).as_deref());
                key != Key::Null && key <= *bound
            }
            Condition::IdIn(ids) => record
                .get("Id")
                .and_then(Value::as_i64)
                .is_some_and(|id| ids.contains(&id)),
        }
    }
}

fn invalid(query: &str, raw: &str, what: &str) -> ValidationError {
    ValidationError {
        property_name: Some(query.to_owned()),
        message: format!("is not {what}"),
        attempted_value: Some(Value::String(raw.to_owned())),
    }
}

/// Ids as the documents (003) and the client write them: `[1,2]`, in brackets, without
/// spaces; `[]` is no ids. An id too large for an `i64` is a valid number that no record
/// has, so it is left out rather than refused.
fn parse_ids(raw: &str) -> Option<Vec<i64>> {
    let inner = raw.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    let mut ids = Vec::new();
    for item in inner.split(',') {
        let digits = item.strip_prefix('-').unwrap_or(item);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Ok(id) = item.parse() {
            ids.push(id);
        }
    }
    Some(ids)
}

/// A `page` or `size` value: a whole number from 1 (a leading `+` allowed); numbers too
/// large for a `u64` read as `u64::MAX`. `None` for anything else.
fn paging_number(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = digits.parse::<u64>().unwrap_or(u64::MAX);
    (number >= 1).then_some(number)
}

/// Every parameter of the list that takes one value but was given several (names compared
/// ignoring case, as ASP.NET binds them): a 400 each, since which value the API would use is
/// not documented.
fn repeated(
    schema: &EntitySchema,
    pairs: &[(String, String)],
    ids_query: Option<&str>,
) -> Vec<ValidationError> {
    let names = [
        SERVICE.paging.page,
        SERVICE.paging.size,
        SERVICE.paging.order_by,
        SERVICE.paging.direction,
    ]
    .into_iter()
    .chain(ids_query)
    .chain(schema.filters.iter().map(|f| f.query))
    .chain(schema.range_filters.iter().flat_map(|r| [r.from, r.to]));
    let mut errors = Vec::new();
    for name in names {
        let values: Vec<Value> = pairs
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| Value::String(v.clone()))
            .collect();
        if values.len() > 1 {
            errors.push(ValidationError {
                property_name: Some(name.to_owned()),
                message: "is given more than once".to_owned(),
                attempted_value: Some(Value::Array(values)),
            });
        }
    }
    errors
}

/// Answers a list (or, with `ids_query`, find-by-ids) query as a page of list records.
pub(crate) fn list(
    table: &Table,
    pairs: &[(String, String)],
    ids_query: Option<&str>,
) -> Result<Page<Value>, Vec<ValidationError>> {
    let schema = table.schema;
    // ASP.NET binds parameter names ignoring case: 003 writes `orderby` and `From_..`.
    let param = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let mut conditions = Vec::new();
    let mut errors = repeated(schema, pairs, ids_query);

    if let Some(raw) = ids_query.and_then(param) {
        match parse_ids(raw) {
            Some(ids) => {
                conditions.push(Condition::IdIn(ids));
            }
            None => errors.push(invalid(
                ids_query.unwrap_or_default(),
                raw,
                "a list of ids such as [1,2]",
            )),
        }
    }
    for filter in schema.filters {
        let (Some(raw), Some(field)) = (param(filter.query), schema.field(filter.field)) else {
            continue;
        };
        match query_key(field.kind, raw) {
            Some(value) => conditions.push(Condition::Equals {
                field: field.wire,
                kind: field.kind,
                value,
            }),
            None => errors.push(invalid(filter.query, raw, "a valid filter value")),
        }
    }
    for range in schema.range_filters {
        let Some(field) = schema.field(range.field) else {
            continue;
        };
        for (query, is_from) in [(range.from, true), (range.to, false)] {
            let Some(raw) = param(query) else {
                continue;
            };
            match query_key(field.kind, raw) {
                Some(value) if is_from => conditions.push(Condition::AtLeast {
                    field: field.wire,
                    kind: field.kind,
                    value,
                }),
                Some(value) => conditions.push(Condition::AtMost {
                    field: field.wire,
                    kind: field.kind,
                    value,
                }),
                None => errors.push(invalid(query, raw, "a valid range bound")),
            }
        }
    }
    let mut paging = |query: &str| {
        let raw = param(query)?;
        let number = paging_number(raw);
        if number.is_none() {
            errors.push(invalid(query, raw, "a whole number from 1"));
        }
        number
    };
    let page = paging(SERVICE.paging.page);
    let size = paging(SERVICE.paging.size);
    let descending = match param(SERVICE.paging.direction).map(str::trim) {
        None => false,
        Some(d) if d == SERVICE.paging.descending || d.eq_ignore_ascii_case("descending") => true,
        Some(d) if d == SERVICE.paging.ascending || d.eq_ignore_ascii_case("ascending") => false,
        Some(d) => {
            errors.push(invalid(
                SERVICE.paging.direction,
                d,
                &format!(
                    "{} (ascending) or {} (descending)",
                    SERVICE.paging.ascending, SERVICE.paging.descending
                ),
            ));
            false
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    // An unknown orderBy is ignored (the page reports the order used); names match
    // ignoring case, as 003 spells it `orderby=Id`.
    let order_field = param(SERVICE.paging.order_by)
        .and_then(|name| {
            schema
                .sort
                .iter()
                .find(|s| s.eq_ignore_ascii_case(name.trim()))
        })
        .copied()
        .unwrap_or(DEFAULT_ORDER);
    let order_kind = schema
        .field(order_field)
        .map_or(FieldKind::Integer, |f| f.kind);

    // References only: copying every record per request made a page of 10,000 records
    // cost ~90 ms. Only the page's records become list records, below.
    let mut matched: Vec<(Key, i64, &Record)> = table
        .records
        .iter()
        .filter(|(_, record)| conditions.iter().all(|c| c.matches(table, record)))
        .map(|(id, record)| {
            (
                stored_key(order_kind, table.value(record, order_field).as_deref()),
                *id,
                record,
            )
        })
        .collect();
    matched.sort_by(|(a, a_id, _), (b, b_id, _)| {
        let order = a.cmp(b);
        let order = if descending { order.reverse() } else { order };
        // Ties in id order, so paging is stable.
        order.then(a_id.cmp(b_id))
    });

    // Find by ids pages like any list (003's example answers `CurrentPageSize: 25`); the
    // client asks for a size that holds every id.
    let default_size = SERVICE.paging.default_size;
    // Sizes above the maximum are clamped to it, as "at most 1000" (NOTES.md) reads.
    let size = size
        .map_or(default_size, |s| {
            u32::try_from(s).unwrap_or(SERVICE.paging.max_size)
        })
        .clamp(1, SERVICE.paging.max_size);
    let page = page.unwrap_or(u64::from(SERVICE.paging.default_page));

    let total = u64::try_from(matched.len()).unwrap_or(u64::MAX);
    let size64 = u64::from(size);
    let total_pages = total.div_ceil(size64);
    let skip = (page - 1).saturating_mul(size64);
    let records: Vec<Value> = matched
        .iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(usize::try_from(size).unwrap_or(usize::MAX))
        .map(|(_, _, record)| table.list_record(&table.view(record)))
        .collect();
    let shown = u64::try_from(records.len()).unwrap_or(u64::MAX);
    let (first, last) = if shown == 0 {
        (0, 0)
    } else {
        (skip + 1, skip + shown)
    };
    let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let direction = if descending {
        SERVICE.paging.descending
    } else {
        SERVICE.paging.ascending
    };
    Ok(Page {
        records,
        current_page: int(page),
        current_page_size: i64::from(size),
        current_order_field: Some(order_field.to_owned()),
        current_sort_direction: direction.parse().ok(),
        first_item: int(first),
        last_item: int(last),
        total_items: int(total),
        total_pages: int(total_pages),
        has_next_page: page < total_pages,
        has_previous_page: page > 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_decoded() {
        assert_eq!(
            parse_pairs("a=%5B1%2C2%5D&b=x+y&c&=v"),
            vec![
                ("a".into(), "[1,2]".into()),
                ("b".into(), "x y".into()),
                ("c".into(), String::new()),
                (String::new(), "v".into()),
            ]
        );
    }

    #[test]
    fn ids_parse_in_the_documented_form_only() {
        assert_eq!(parse_ids("[1,2]"), Some(vec![1, 2]));
        assert_eq!(parse_ids("[-3]"), Some(vec![-3]));
        assert_eq!(parse_ids("[]"), Some(vec![]));
        assert_eq!(parse_ids("[1,99999999999999999999]"), Some(vec![1]));
        for invalid in ["3", "1,2", "[1, 2]", "[1,x]", "[1,]", "[-]", "[1"] {
            assert_eq!(parse_ids(invalid), None, "{invalid}");
        }
    }

    #[test]
    fn paging_numbers_are_whole_numbers_from_1() {
        assert_eq!(paging_number("2"), Some(2));
        assert_eq!(paging_number("+3"), Some(3));
        assert_eq!(paging_number("99999999999999999999999"), Some(u64::MAX));
        for invalid in ["0", "-1", "1.5", "", "abc", "null"] {
            assert_eq!(paging_number(invalid), None, "{invalid}");
        }
    }

    #[test]
    fn every_json_number_is_a_decimal_key() {
        let key = |raw| query_key(FieldKind::Decimal, raw);
        assert_eq!(key("12.50"), Some(Key::Decimal(Decimal::new(1250, 2))));
        assert_eq!(key("1.5e3"), Some(Key::Decimal(Decimal::new(1500, 0))));
        assert_eq!(
            key("1.7976931348623157e308"),
            Some(Key::Decimal(Decimal::MAX))
        );
        assert_eq!(
            key("-4.79e16"),
            Some(Key::Decimal(
                Decimal::new(-479, 0) * Decimal::new(100_000_000_000_000, 0)
            ))
        );
        assert_eq!(key("-2.1e-146"), Some(Key::Decimal(Decimal::ZERO)));
        for invalid in ["", "abc", "NaN", "inf", "1e999"] {
            assert_eq!(key(invalid), None, "{invalid}");
        }
    }

    #[test]
    fn filter_date_times_compare_to_the_minute() {
        let key = query_key(FieldKind::DateTime, "2025-01-15T10:30").expect("a date-time");
        let stored = Value::String("2025-01-15T10:30:59Z".into());
        assert_eq!(filter_key(FieldKind::DateTime, Some(&stored)), key);
    }
}
