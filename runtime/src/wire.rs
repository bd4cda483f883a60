//! The JSON shape of generated records and bodies, called by their generated `serde`
//! impls.
//!
//! Derived impls would expand to hundreds of lines per record (a field enum, a visitor and
//! the buffering `#[serde(flatten)]` needs); compiling those for hundreds of entities made
//! the crate slow to build. Instead, generated impls are one line per field calling these
//! helpers, which are shared by every entity.

use std::marker::PhantomData;

/// serde, for the impls the runtime's macros write in generated code.
pub use serde;

use rust_decimal::Decimal;
use serde::de::{self, Deserialize, DeserializeOwned, Deserializer};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// A record's JSON properties while a generated `Deserialize` impl takes its fields out;
/// what is left are the properties the spec does not describe.
pub struct Fields<E> {
    properties: Map<String, Value>,
    error: PhantomData<E>,
}

impl<E: de::Error> Fields<E> {
    /// Reads a JSON object.
    pub fn read<'de, D>(deserializer: D) -> Result<Self, E>
    where
        D: Deserializer<'de, Error = E>,
    {
        Map::deserialize(deserializer).map(|properties| Fields {
            properties,
            error: PhantomData,
        })
    }

    /// Takes a property that must be present and not null.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, E> {
        match self.properties.remove(name) {
            None | Some(Value::Null) => Err(E::custom(format_args!("missing field `{name}`"))),
            Some(value) => decode(name, value),
        }
    }

    /// Takes a property that may be absent or null.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<T>, E> {
        match self.properties.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => decode(name, value).map(Some),
        }
    }

    /// The properties no field took.
    pub fn rest(self) -> Map<String, Value> {
        self.properties
    }
}

fn decode<T: DeserializeOwned, E: de::Error>(name: &str, value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(|e| E::custom(format_args!("field `{name}`: {e}")))
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

/// A decimal as the API writes it: a JSON number (a `Decimal` alone serialises as a string).
pub struct Number<'a>(pub &'a Decimal);

impl Serialize for Number<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::float::serialize(self.0, serializer)
    }
}

/// An optional decimal as a JSON number or null.
pub struct OptionalNumber<'a>(pub &'a Option<Decimal>);

impl Serialize for OptionalNumber<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::float_option::serialize(self.0, serializer)
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

    impl<'de> Deserialize<'de> for Record {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut fields = Fields::read(deserializer)?;
            Ok(Record {
                id: fields.required("Id")?,
                note: fields.optional("Note")?,
                total: fields.required("Total")?,
                extra: fields.rest(),
            })
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
            r#"{"Id":1,"Total":2.0,"Kept":true}"#
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
            r#"{"Id":1,"Total":2.0,"Kept":true}"#
        );
    }

    #[test]
    fn errors_name_the_field() {
        let missing = serde_json::from_value::<Record>(json!({"Total": 1})).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `Id`"),
            "{missing}"
        );
        let wrong = serde_json::from_value::<Record>(json!({"Id": "x", "Total": 1})).unwrap_err();
        assert!(
            wrong.to_string().contains("field `Id`: invalid type"),
            "{wrong}"
        );
        let not_object = serde_json::from_value::<Record>(json!([1])).unwrap_err();
        assert!(
            not_object.to_string().contains("invalid type"),
            "{not_object}"
        );
    }
}
