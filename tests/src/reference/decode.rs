//! Decoding an example into the generated type it shows.
//!
//! The generated crate has no per-entity decode function. Its hidden
//! `nexudus::__visit_entities` hands an [`EntityVisitor`] every entity's record and
//! list-record types, and [`entity_types`] turns that into a table of monomorphised
//! decoders, here in the tests crate.

use std::collections::BTreeMap;
use std::fmt;

use nexudus::{
    ActionResponse, CommandInfo, EntitySchema, EntityVisitor, EnumSchema, FieldKind, Page,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::extract::Shows;

/// Why an example does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeFailure {
    /// The JSON path of the value that failed (`Records[0].Credit`); empty for the whole.
    pub path: String,
    /// serde's message, or the runtime's for envelopes.
    pub message: String,
    /// For a missing id field `XId`, the property `X` the example shows in its place: the
    /// 2020 examples show the related record (`"Business": null`), not its id.
    pub instead: Option<String>,
}

impl fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)?;
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)?;
        }
        match &self.instead {
            Some(instead) => write!(f, " (the example shows `{instead}` instead)"),
            None => Ok(()),
        }
    }
}

impl DecodeFailure {
    /// A failure at `path`, with serde_json's position in the text dropped: it is the
    /// position in the text decoded, not on the page.
    fn at(path: String, message: &str) -> Self {
        let message = match message.rsplit_once(" at line ") {
            Some((message, position))
                if position
                    .split(" column ")
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
            {
                message
            }
            _ => message,
        };
        DecodeFailure {
            // serde_path_to_error writes the whole as `.`.
            path: if path == "." { String::new() } else { path },
            message: message.to_owned(),
            instead: None,
        }
    }

    /// A failure of the whole example.
    fn whole(message: String) -> Self {
        Self::at(String::new(), &message)
    }
}

type Decoder = fn(&str) -> Result<(), DecodeFailure>;

/// An entity's schema and the decoders of its generated types.
#[derive(Clone, Copy)]
pub struct EntityTypes {
    /// The entity's name as the API spells it.
    pub name: &'static str,
    pub schema: EntitySchema,
    /// Decodes JSON into the full record (`nexudus::billing::tariffs::Tariff`).
    record: Decoder,
    /// Decodes JSON into a page of list records (`Page<TariffListItem>`), for an entity
    /// that has list records.
    page: Option<Decoder>,
}

impl fmt::Debug for EntityTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntityTypes")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Every entity of `nexudus::ENTITIES`, in its order, with its decoders.
pub fn entity_types() -> Vec<EntityTypes> {
    struct Collect(Vec<EntityTypes>);
    impl EntityVisitor for Collect {
        fn record<Record: DeserializeOwned + 'static>(&mut self, schema: EntitySchema) {
            self.0.push(EntityTypes {
                name: schema.name,
                schema,
                record: decode_record::<Record>,
                page: None,
            });
        }

        fn list_record<ListItem: DeserializeOwned + 'static>(&mut self, schema: EntitySchema) {
            if let Some(last) = self.0.last_mut().filter(|e| e.name == schema.name) {
                last.page = Some(decode_page::<ListItem>);
            }
        }
    }
    let mut all = Collect(Vec::new());
    nexudus::__visit_entities(&mut all);
    all.0
}

/// Decodes a record straight from the text, naming the path of a failure.
fn decode_record<T: DeserializeOwned>(json: &str) -> Result<(), DecodeFailure> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map(drop)
        .map_err(|e| DecodeFailure::at(e.path().to_string(), &e.into_inner().to_string()))
}

/// Decodes a list answer as the client does.
fn decode_page<T: DeserializeOwned>(json: &str) -> Result<(), DecodeFailure> {
    match Page::<T>::from_slice(&nexudus::SERVICE.envelopes.page, json.as_bytes()) {
        Ok(_) => Ok(()),
        Err(nexudus::Error::Decode { path, message, .. }) => Err(DecodeFailure::at(path, &message)),
        Err(other) => Err(DecodeFailure::whole(other.to_string())),
    }
}

/// The fields every record carries that an example of this kind does not show, which
/// [`decode`] supplies where the example lacks them: the read-only fields that are never null
/// (in this spec the base fields `Id` and `UniqueId`, which the reference's record examples
/// leave out), and, in an update body, the required fields set on create only, which an update
/// does not send.
pub fn not_shown(schema: &EntitySchema, shows: Shows) -> Vec<&'static str> {
    schema
        .fields
        .iter()
        .filter(|f| f.read && !f.nullable)
        .filter(|f| match shows {
            Shows::CreateBody => !f.create,
            Shows::UpdateBody => !f.update,
            _ => f.is_read_only(),
        })
        .map(|f| f.wire)
        .collect()
}

/// A value of a kind, for a field an example lacks.
fn stand_in(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Id(_) | FieldKind::Integer | FieldKind::Enum(_) => Value::from(1),
        FieldKind::Decimal | FieldKind::Money => Value::from(0),
        FieldKind::Ids(_) | FieldKind::Children(_) => Value::Array(Vec::new()),
        FieldKind::Boolean => Value::Bool(false),
        FieldKind::String => Value::from(""),
        FieldKind::DateTime => Value::from("2020-01-01T00:00:00"),
        FieldKind::Guid => Value::from("00000000-0000-0000-0000-000000000000"),
        FieldKind::Json => Value::Object(Map::new()),
    }
}

/// What decoding one example did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Every way the example does not decode into its type; empty when it decodes. A record
    /// example is decoded again after each failure, with a stand-in of the right type in
    /// place of the failing value, so that one bad value does not hide the others.
    pub failures: Vec<DecodeFailure>,
    /// The fields supplied to its records (see [`not_shown`]).
    pub supplied: Vec<&'static str>,
}

/// At most this many failures are collected from one example.
const MAX_FAILURES: usize = 50;

/// Decodes an example that shows `shows` into its type: a page of the entity's list
/// records, its full record (for get one and the create and update bodies), an action
/// envelope or a commands list. `None` when the example shows nothing this check has a type
/// for, or a record of no known entity.
pub fn decode(shows: Shows, json: &str, entity: Option<&EntityTypes>) -> Option<Decoded> {
    let plain = |result: Result<(), DecodeFailure>| {
        Some(Decoded {
            failures: result.err().into_iter().collect(),
            supplied: Vec::new(),
        })
    };
    match shows {
        Shows::Action => plain(decode_action(json)),
        Shows::Commands => plain(decode_commands(json)),
        Shows::Page | Shows::Record | Shows::CreateBody | Shows::UpdateBody => {
            let entity = entity?;
            let Ok(mut value) = serde_json::from_str::<Value>(json) else {
                return plain(Err(DecodeFailure::whole("not JSON".into())));
            };
            let supplied = supply(shows, &mut value, &entity.schema);
            let decoder = if shows == Shows::Page {
                // A list page of an entity without list records has no type to decode into.
                entity.page?
            } else {
                entity.record
            };
            let mut failures = Vec::new();
            while let Err(mut failure) = decoder(&value.to_string()) {
                failure.instead = shown_instead(&mut value, &failure);
                let progress = take_out(&mut value, &failure, &entity.schema);
                failures.push(failure);
                if !progress || failures.len() >= MAX_FAILURES {
                    break;
                }
            }
            // The value is re-read with its keys sorted: give the failures in page order, those
            // of properties the example lacks last.
            failures.sort_by_key(
                |f| match (missing_field(f), f.path.rsplit(['.', '[']).next()) {
                    (None, Some(key)) if !key.is_empty() => {
                        json.find(&format!("\"{key}\"")).unwrap_or(usize::MAX)
                    }
                    _ => usize::MAX,
                },
            );
            Some(Decoded { failures, supplied })
        }
        Shows::ErrorBody | Shows::Sketch | Shows::Unknown => None,
    }
}

/// Adds to the example's records the fields they lack of those it does not show
/// ([`not_shown`]); their names.
fn supply(shows: Shows, value: &mut Value, schema: &EntitySchema) -> Vec<&'static str> {
    let names = not_shown(schema, shows);
    let fields: Vec<_> = schema
        .fields
        .iter()
        .filter(|f| names.contains(&f.wire))
        .collect();
    let mut supplied = Vec::new();
    let mut fill = |record: &mut Value| {
        if let Value::Object(record) = record {
            for field in &fields {
                if !record.contains_key(field.wire) {
                    record.insert(field.wire.to_owned(), stand_in(field.kind));
                    if !supplied.contains(&field.wire) {
                        supplied.push(field.wire);
                    }
                }
            }
        }
    };
    if shows == Shows::Page {
        let records = nexudus::SERVICE.envelopes.page.records;
        if let Some(Value::Array(records)) = value.get_mut(records) {
            records.iter_mut().for_each(&mut fill);
        }
    } else {
        fill(value);
    }
    supplied
}

/// Takes the cause of a failure out of the example, so that decoding it again goes past
/// it: a missing field of the record, or one with a value of the wrong type, gets a stand-in
/// of the field's type. Whether it changed anything.
fn take_out(value: &mut Value, failure: &DecodeFailure, schema: &EntitySchema) -> bool {
    let mut segments = path_segments(&failure.path);
    let name = match missing_field(failure) {
        Some(name) => name,
        None => match segments.pop() {
            Some(Segment::Key(key)) => key,
            _ => return false,
        },
    };
    // Only a field of the record is taken out; a failure of the envelope ends the decoding.
    let (Some(field), Some(Value::Object(object))) = (schema.field(name), walk(value, &segments))
    else {
        return false;
    };
    let stand_in = stand_in(field.kind);
    object.insert(name.to_owned(), stand_in.clone()) != Some(stand_in)
}

/// The field a failure says is missing.
fn missing_field(failure: &DecodeFailure) -> Option<&str> {
    failure
        .message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

/// For a missing `XId`, the property `X` if the failing object has it.
fn shown_instead(value: &mut Value, failure: &DecodeFailure) -> Option<String> {
    let relation = missing_field(failure)?.strip_suffix("Id")?;
    let object = walk(value, &path_segments(&failure.path))?;
    object.get(relation).is_some().then(|| relation.to_owned())
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `Records[0].Credit` as `Records`, `0`, `Credit`; `.` (the whole) as nothing.
fn path_segments(path: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            segments.push(Segment::Key(key));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                segments.push(Segment::Index(i));
            }
        }
    }
    segments
}

fn walk<'v>(mut value: &'v mut Value, segments: &[Segment<'_>]) -> Option<&'v mut Value> {
    for segment in segments {
        value = match segment {
            Segment::Key(key) => value.get_mut(*key)?,
            Segment::Index(i) => value.get_mut(*i)?,
        };
    }
    Some(value)
}

fn decode_action(json: &str) -> Result<(), DecodeFailure> {
    let value = serde_json::from_str(json).map_err(|e| DecodeFailure::whole(e.to_string()))?;
    ActionResponse::from_json(&nexudus::SERVICE.envelopes, value)
        .map(drop)
        .map_err(DecodeFailure::whole)
}

fn decode_commands(json: &str) -> Result<(), DecodeFailure> {
    match serde_json::from_str(json) {
        Ok(Value::Array(commands)) => {
            for (i, command) in commands.into_iter().enumerate() {
                CommandInfo::from_json(&nexudus::SERVICE.envelopes, command)
                    .map_err(|message| DecodeFailure::at(format!("[{i}]"), &message))?;
            }
            Ok(())
        }
        Ok(_) => Err(DecodeFailure::whole(
            "the commands list is not an array".into(),
        )),
        Err(e) => Err(DecodeFailure::whole(e.to_string())),
    }
}

/// Every enumeration the entities' fields use, by its API name.
pub fn enums(entities: &[EntityTypes]) -> BTreeMap<&'static str, &'static EnumSchema> {
    entities
        .iter()
        .flat_map(|e| e.schema.fields.iter().chain(e.schema.joined))
        .filter_map(|f| match f.kind {
            FieldKind::Enum(schema) => Some((schema.name, schema)),
            _ => None,
        })
        .collect()
}
