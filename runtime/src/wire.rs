//! The JSON shape of generated records and bodies, called by their generated `serde`
//! impls.
//!
//! A generated `Deserialize` impl reads each property straight from the deserializer into
//! its field, matching keys without allocating ([`Key`]); properties the spec does not
//! describe go to `extra` ([`keep`]); decimals are read from the JSON text itself
//! ([`ExactDecimal`]), so money keeps every digit. Derived impls with `#[serde(flatten)]`
//! would buffer every property first, and compile to far more code per record.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// serde, for the impls the runtime's macros write in generated code.
pub use serde;

use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A property name, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A required property's value: present and not null, or an error naming it.
pub fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Keeps a property the spec does not describe, as the API sent it.
pub fn keep<'de, A: MapAccess<'de>>(
    extra: &mut Map<String, Value>,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.0.into_owned(), value);
    Ok(())
}

/// A decimal read from the JSON text of the number (or a string holding one), so that every
/// digit the API wrote is kept: serde_json without `arbitrary_precision` would round it
/// through an `f64` (exact to about 15 significant digits). `rust_decimal` holds up to 28.
pub struct ExactDecimal(pub Decimal);

impl<'de> Deserialize<'de> for ExactDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json hands a `RawValue` the text of the value as written.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text);
        // Exact when it fits; digits past the 28th are rounded rather than refused.
        Decimal::from_str_exact(text)
            .or_else(|_| text.parse::<Decimal>())
            .or_else(|_| Decimal::from_scientific(text))
            .map(ExactDecimal)
            .map_err(|_| {
                de::Error::invalid_value(de::Unexpected::Str(raw.get()), &"a decimal number")
            })
    }
}

/// An optional decimal property, read exactly (see [`ExactDecimal`]); null is `None`.
pub fn decimal<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Decimal>, A::Error> {
    Ok(map.next_value::<Option<ExactDecimal>>()?.map(|d| d.0))
}

/// A list of decimals, read exactly.
pub fn decimals<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Vec<Decimal>>, A::Error> {
    Ok(map
        .next_value::<Option<Vec<ExactDecimal>>>()?
        .map(|list| list.into_iter().map(|d| d.0).collect()))
}

/// A JSON object being written by a generated `Serialize` impl.
pub struct Object<M> {
    map: M,
    /// The properties written so far, which `extra` may not write again.
    written: Vec<&'static str>,
}

impl<M: SerializeMap> Object<M> {
    /// Starts an object.
    pub fn start<S: Serializer<SerializeMap = M, Error = M::Error>>(
        serializer: S,
    ) -> Result<Self, M::Error> {
        serializer.serialize_map(None).map(|map| Object {
            map,
            written: Vec::new(),
        })
    }

    /// Writes a property.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.written.push(name);
        self.map.serialize_entry(name, value)
    }

    /// Writes a property only when it is set (create bodies leave unset fields out).
    pub fn field_if_set<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.field(name, value),
            None => Ok(()),
        }
    }

    /// Writes the properties a record kept because the spec does not describe them, then
    /// ends the object. A name the body wrote already, in any ASCII case, is skipped:
    /// `extra` cannot send a second `Id` (nor `ID`, which a case-insensitive JSON binder
    /// such as ASP.NET's reads as the id) and so update another record, or override a field.
    pub fn end_with(mut self, extra: &Map<String, Value>) -> Result<M::Ok, M::Error> {
        for (name, value) in extra {
            if !self.written.iter().any(|w| w.eq_ignore_ascii_case(name)) {
                self.map.serialize_entry(name, value)?;
            }
        }
        self.map.end()
    }

    /// Ends the object.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.map.end()
    }
}

/// A decimal as the API writes it: a JSON number with every digit (a `Decimal` alone
/// serialises as a string, and through an `f64` it would lose digits).
pub struct Number<'a>(pub &'a Decimal);

impl Serialize for Number<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The decimal's own text is a valid JSON number; serde_json writes it as it is.
        match RawValue::from_string(self.0.to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(_) => rust_decimal::serde::float::serialize(self.0, serializer),
        }
    }
}

/// An optional decimal as a JSON number or null.
pub struct OptionalNumber<'a>(pub &'a Option<Decimal>);

impl Serialize for OptionalNumber<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(value) => Number(value).serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Record {
        id: i64,
        note: Option<String>,
        total: Decimal,
        extra: Map<String, Value>,
    }

    /// What generated code writes for a record of three fields.
    impl<'de> Deserialize<'de> for Record {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct RecordVisitor;
            impl<'de> Visitor<'de> for RecordVisitor {
                type Value = Record;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a Record")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
                    let (mut id, mut note, mut total) = (None, None, None);
                    let mut extra = Map::new();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match &*key {
                            "Id" => id = map.next_value()?,
                            "Note" => note = map.next_value()?,
                            "Total" => total = decimal(&mut map)?,
                            _ => keep(&mut extra, key, &mut map)?,
                        }
                    }
                    Ok(Record {
                        id: required(id, "Id")?,
                        note,
                        total: required(total, "Total")?,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(RecordVisitor)
        }
    }

    impl Serialize for Record {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Object::start(serializer)?;
            object.field("Id", &self.id)?;
            object.field_if_set("Note", &self.note)?;
            object.field("Total", &Number(&self.total))?;
            object.end_with(&self.extra)
        }
    }

    #[test]
    fn round_trips_with_unknown_properties_and_money_as_numbers() {
        let record: Record =
            serde_json::from_value(json!({"Id": 1, "Total": 150.25, "New": [1]})).unwrap();
        assert_eq!(record.note, None);
        assert_eq!(record.total.to_string(), "150.25");
        assert_eq!(
            serde_json::to_value(&record).unwrap(),
            json!({"Id": 1, "Total": 150.25, "New": [1]})
        );
    }

    #[test]
    fn extra_cannot_override_a_written_field() {
        let mut record: Record = serde_json::from_value(json!({"Id": 1, "Total": 2})).unwrap();
        record.extra.insert("Id".into(), json!(999));
        record.extra.insert("Kept".into(), json!(true));
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"Id":1,"Total":2,"Kept":true}"#
        );
    }

    #[test]
    fn extra_cannot_override_a_written_field_in_another_case() {
        let mut record: Record = serde_json::from_value(json!({"Id": 1, "Total": 2})).unwrap();
        record.extra.insert("ID".into(), json!(999));
        record.extra.insert("id".into(), json!(998));
        record.extra.insert("TOTAL".into(), json!(0));
        record.extra.insert("Kept".into(), json!(true));
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"Id":1,"Total":2,"Kept":true}"#
        );
    }

    #[test]
    fn money_keeps_every_digit_both_ways() {
        let record: Record =
            serde_json::from_str(r#"{"Id":1,"Total":99999999999999999.99,"Note":"big"}"#).unwrap();
        assert_eq!(record.total.to_string(), "99999999999999999.99");
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"Id":1,"Note":"big","Total":99999999999999999.99}"#
        );
        // Past 28 significant digits, rounded; past the range, an error.
        let long: Record =
            serde_json::from_str(r#"{"Id":1,"Total":0.12345678901234567890123456789012}"#).unwrap();
        assert_eq!(long.total.to_string(), "0.1234567890123456789012345679");
        assert!(serde_json::from_str::<Record>(r#"{"Id":1,"Total":1e30}"#).is_err());
        // Also from a serde_json value (the number is an f64 there) and from a string.
        let from_value: Record = serde_json::from_value(json!({"Id": 1, "Total": 12.5})).unwrap();
        assert_eq!(from_value.total.to_string(), "12.5");
        let quoted: Record = serde_json::from_str(r#"{"Id":1,"Total":"3.10"}"#).unwrap();
        assert_eq!(quoted.total.to_string(), "3.10");
    }

    #[test]
    fn errors_name_the_field() {
        let missing = serde_json::from_value::<Record>(json!({"Total": 1})).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `Id`"),
            "{missing}"
        );
        let null = serde_json::from_value::<Record>(json!({"Id": null, "Total": 1})).unwrap_err();
        assert!(null.to_string().contains("missing field `Id`"), "{null}");
        // The client tracks the JSON path of a failure (`serde_path_to_error`).
        let text = r#"{"Id": "x", "Total": 1}"#;
        let wrong = serde_path_to_error::deserialize::<_, Record>(
            &mut serde_json::Deserializer::from_str(text),
        )
        .unwrap_err();
        assert_eq!(wrong.path().to_string(), "Id");
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
        let not_object = serde_json::from_value::<Record>(json!([1])).unwrap_err();
        assert!(
            not_object.to_string().contains("invalid type"),
            "{not_object}"
        );
    }
}
