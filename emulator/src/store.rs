//! The records: one table per entity of [`nexudus::ENTITIES`], and the rules of writing them.
//!
//! Records are JSON objects as the API writes them. Known fields are checked against their
//! [`FieldKind`] on create and update; unknown properties are kept as sent.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use nexudus::{ChildSchema, DateTime, EntitySchema, FieldKind, FieldSchema, Uuid, ValidationError};

/// One stored record.
pub(crate) type Record = Map<String, Value>;

/// The message of a missing required field, as document 000's example writes it.
const REQUIRED: &str = "is a required field";

/// The records of one entity.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) schema: &'static EntitySchema,
    pub(crate) records: BTreeMap<i64, Record>,
    /// The binary files of the records, by download name and record id.
    pub(crate) files: BTreeMap<(&'static str, i64), StoredFile>,
    next_id: i64,
}

/// A binary file a download endpoint serves.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) content_type: String,
    pub(crate) bytes: Vec<u8>,
}

/// Why an update did not happen.
#[derive(Debug)]
pub(crate) enum UpdateError {
    /// The body is invalid.
    Invalid(Vec<ValidationError>),
    /// No record has the body's `Id`.
    NotFound,
}

/// All tables, in the order of [`nexudus::ENTITIES`].
#[derive(Debug)]
pub(crate) struct Store {
    tables: Vec<Table>,
}

impl Store {
    pub(crate) fn new(first_id: i64) -> Self {
        Self {
            tables: nexudus::ENTITIES
                .iter()
                .map(|schema| Table {
                    schema,
                    records: BTreeMap::new(),
                    files: BTreeMap::new(),
                    next_id: first_id,
                })
                .collect(),
        }
    }

    /// The table of the entity at `index` of [`nexudus::ENTITIES`].
    pub(crate) fn at(&mut self, index: usize) -> Option<&mut Table> {
        self.tables.get_mut(index)
    }

    /// The table of an entity, by its name.
    pub(crate) fn by_name(&mut self, entity: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.schema.name == entity)
    }

    /// Creates a record of the entity at `index`, and the records of the inline child
    /// arrays its body carries, linked to it.
    pub(crate) fn create(
        &mut self,
        index: usize,
        body: &Record,
        user: &str,
    ) -> Result<i64, Vec<ValidationError>> {
        let table = self.tables.get_mut(index).ok_or_else(Vec::new)?;
        let id = table.create(body, user)?;
        self.store_children(index, id, body, user);
        Ok(id)
    }

    /// Updates a record of the entity at `index`. An inline child array in the body
    /// replaces the children linked to the record; one the body leaves out leaves them be.
    pub(crate) fn update(
        &mut self,
        index: usize,
        body: &Record,
        user: &str,
    ) -> Result<i64, UpdateError> {
        let table = self.tables.get_mut(index).ok_or(UpdateError::NotFound)?;
        let id = table.update(body, user)?;
        self.store_children(index, id, body, user);
        Ok(id)
    }

    /// Stores each inline child array of a valid body as records of its element entity,
    /// in place of the records linked to `parent` before.
    fn store_children(&mut self, index: usize, parent: i64, body: &Record, user: &str) {
        let schema = self.tables[index].schema;
        for field in schema.fields {
            let (FieldKind::Children(child), Some(Value::Array(elements))) =
                (field.kind, body.get(field.wire))
            else {
                continue;
            };
            // An element entity left out of the build has nowhere to go.
            let Some(table) = self.by_name(child.entity) else {
                continue;
            };
            table
                .records
                .retain(|_, r| r.get(child.link).and_then(Value::as_i64) != Some(parent));
            for element in elements.iter().filter_map(Value::as_object) {
                let mut record: Record = child
                    .properties
                    .iter()
                    .filter_map(|p| Some((p.wire.to_owned(), element.get(p.wire)?.clone())))
                    .collect();
                record.insert(child.link.to_owned(), parent.into());
                // Ids running out leaves the element unstored, as a create would refuse it.
                let _ = table.insert_created(record, user);
            }
        }
    }
}

/// The current time as the API writes it (`2025-01-15T10:30:00Z`).
pub(crate) fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A random version-4 GUID.
fn new_guid() -> Value {
    let bytes = fastrand::u128(..).to_le_bytes();
    Value::String(
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string(),
    )
}

fn error(property: &str, message: impl Into<String>, attempted: Option<&Value>) -> ValidationError {
    ValidationError {
        property_name: Some(property.to_owned()),
        message: message.into(),
        attempted_value: Some(attempted.cloned().unwrap_or(Value::Null)),
    }
}

/// Whether `value` is a valid value of `kind` (null aside).
fn fits(kind: FieldKind, value: &Value) -> bool {
    match kind {
        FieldKind::Integer | FieldKind::Id(_) => value.as_i64().is_some(),
        FieldKind::Ids(_) => value
            .as_array()
            .is_some_and(|ids| ids.iter().all(|id| id.as_i64().is_some())),
        FieldKind::Enum(schema) => value.as_i64().is_some_and(|v| schema.admits(v)),
        FieldKind::Decimal | FieldKind::Money => value.is_number(),
        FieldKind::Boolean => value.is_boolean(),
        FieldKind::String => value.is_string(),
        FieldKind::DateTime => value.as_str().is_some_and(|s| DateTime::parse(s).is_ok()),
        FieldKind::Guid => value.as_str().is_some_and(|s| Uuid::parse_str(s).is_ok()),
        FieldKind::Json => true,
        FieldKind::Children(child) => value.as_array().is_some_and(|elements| {
            elements
                .iter()
                .all(|e| child_errors(child, e, "").is_empty())
        }),
    }
}

/// What is wrong with one element of an inline child array: not an object, a required
/// property missing, or a property of the wrong kind. `at` names the element in messages
/// (`BookingProducts[0]`).
fn child_errors(child: &ChildSchema, element: &Value, at: &str) -> Vec<ValidationError> {
    let Some(element) = element.as_object() else {
        return vec![error(at, "is not an object", Some(element))];
    };
    let mut errors = Vec::new();
    for property in child.properties {
        let name = format!("{at}.{}", property.wire);
        match element.get(property.wire).filter(|v| !v.is_null()) {
            None if property.required => errors.push(error(&name, REQUIRED, None)),
            Some(value) if !fits(property.kind, value) => errors.push(error(
                &name,
                format!("is not {}", kind_name(property.kind)),
                Some(value),
            )),
            _ => {}
        }
    }
    errors
}

/// What a kind is called in validation messages.
fn kind_name(kind: FieldKind) -> Cow<'static, str> {
    Cow::Borrowed(match kind {
        FieldKind::Integer | FieldKind::Id(_) => "an integer",
        FieldKind::Ids(_) => "a list of integers",
        FieldKind::Enum(schema) if schema.values.is_empty() => "an integer",
        FieldKind::Enum(schema) => {
            let values: Vec<String> = schema
                .values
                .iter()
                .map(|(value, name)| format!("{value} ({name})"))
                .collect();
            return Cow::Owned(format!("one of {}", values.join(", ")));
        }
        FieldKind::Decimal | FieldKind::Money => "a number",
        FieldKind::Boolean => "true or false",
        FieldKind::String => "a string",
        FieldKind::DateTime => "a date-time such as 2025-01-15T10:30:00Z",
        FieldKind::Guid => "a GUID",
        FieldKind::Json => "JSON",
        FieldKind::Children(_) => "a list of objects",
    })
}

/// Which body a write comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Create,
    Update,
}

/// Checks the fields a create or update body may write and returns the record fields
/// among them with the body's unknown properties. Fields the body may not write (read-only,
/// create-only on update, joined) are dropped; body-only fields (`AddedEventCategories`)
/// are checked but not stored, since what they do is not in the spec.
fn writable_values(
    schema: &EntitySchema,
    body: &Record,
    write: Write,
    errors: &mut Vec<ValidationError>,
) -> Record {
    let mut out = Record::new();
    for field in schema.fields.iter().filter(|f| writes(f, write)) {
        let value = body.get(field.wire);
        if value.is_some_and(Value::is_null) && !field.nullable && !field.required {
            errors.push(error(field.wire, "cannot be null", Some(&Value::Null)));
            continue;
        }
        match value.filter(|v| !v.is_null()) {
            // Required on update too, where the update may write it (001).
            None if field.required => errors.push(error(field.wire, REQUIRED, None)),
            // Each element is checked on its own, so a message names the bad property.
            Some(Value::Array(elements)) if matches!(field.kind, FieldKind::Children(_)) => {
                if let FieldKind::Children(child) = field.kind {
                    for (i, element) in elements.iter().enumerate() {
                        errors.extend(child_errors(
                            child,
                            element,
                            &format!("{}[{i}]", field.wire),
                        ));
                    }
                }
            }
            None => {}
            // Decimals are stored as the JSON number received, so they come back as sent.
            Some(value) if fits(field.kind, value) && field.read => {
                out.insert(field.wire.to_owned(), value.clone());
            }
            Some(value) if fits(field.kind, value) => {}
            Some(value) => errors.push(error(
                field.wire,
                format!("is not {}", kind_name(field.kind)),
                Some(value),
            )),
        }
    }
    for (name, value) in body {
        if schema.field(name).is_none() {
            out.insert(name.clone(), value.clone());
        }
    }
    out
}

/// The request body as a JSON object, or the validation error that says it is not one.
/// Whole numbers written with a fraction (`12.0`) are read as integers (see
/// [`super::json`]).
pub(crate) fn body_object(body: &[u8]) -> Result<Record, Vec<ValidationError>> {
    match super::json::parse(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(vec![ValidationError {
            property_name: None,
            message: "the request body is not a JSON object".to_owned(),
            attempted_value: Some(Value::Null),
        }]),
    }
}

impl Table {
    /// The next free id; `None` once ids reach `i64::MAX`.
    fn allocate_id(&mut self) -> Option<i64> {
        while self.records.contains_key(&self.next_id) {
            self.next_id = self.next_id.checked_add(1)?;
        }
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        Some(id)
    }

    /// Creates a record from a create body; answers its id.
    pub(crate) fn create(
        &mut self,
        body: &Record,
        user: &str,
    ) -> Result<i64, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let record = writable_values(self.schema, body, Write::Create, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        self.insert_created(record, user)
            .ok_or_else(|| vec![error("Id", "no record ids are left", None)])
    }

    /// Stores a new record with what the server sets (`Id`, `UniqueId`, the dates, the
    /// user); answers its id, or `None` once ids run out.
    fn insert_created(&mut self, mut record: Record, user: &str) -> Option<i64> {
        let id = self.allocate_id()?;
        let now = now();
        record.insert("Id".into(), id.into());
        record.insert("UniqueId".into(), new_guid());
        record.insert("CreatedOn".into(), now.clone().into());
        record.insert("UpdatedOn".into(), now.into());
        record.insert("UpdatedBy".into(), user.into());
        record.insert("IsNew".into(), false.into());
        self.records.insert(id, record);
        Some(id)
    }

    /// Replaces a record's writable fields and unknown properties with the body's, as PUT
    /// does: what the body leaves out is cleared (false for booleans, `[]` for id lists,
    /// null otherwise). Read-only fields and seeded joined values stay.
    pub(crate) fn update(&mut self, body: &Record, user: &str) -> Result<i64, UpdateError> {
        let Some(id) = body.get("Id").and_then(Value::as_i64) else {
            return Err(UpdateError::Invalid(vec![error(
                "Id",
                REQUIRED,
                body.get("Id"),
            )]));
        };
        let mut errors = Vec::new();
        let mut values = writable_values(self.schema, body, Write::Update, &mut errors);
        if !errors.is_empty() {
            return Err(UpdateError::Invalid(errors));
        }
        let Some(stored) = self.records.get(&id) else {
            return Err(UpdateError::NotFound);
        };
        let mut record: Record = stored
            .iter()
            .filter(|(name, _)| self.keeps_on_update(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        for field in self
            .schema
            .fields
            .iter()
            .filter(|f| f.read && writes(f, Write::Update))
        {
            let value = values.remove(field.wire).unwrap_or(match field.kind {
                FieldKind::Boolean => Value::Bool(false),
                FieldKind::Ids(_) => Value::Array(Vec::new()),
                _ => Value::Null,
            });
            record.insert(field.wire.to_owned(), value);
        }
        // What is left are the body's unknown properties.
        record.extend(values);
        record.insert("UpdatedOn".into(), now().into());
        record.insert("UpdatedBy".into(), user.into());
        self.records.insert(id, record);
        Ok(id)
    }

    /// Deletes a record and its files, so a record stored later with the same id starts
    /// without them.
    pub(crate) fn remove(&mut self, id: i64) -> Option<Record> {
        let record = self.records.remove(&id)?;
        self.files.retain(|&(_, file_id), _| file_id != id);
        Some(record)
    }

    /// Whether a stored property survives a PUT whatever the body says: fields an update
    /// cannot write (read-only, create-only) and joined display fields.
    fn keeps_on_update(&self, name: &str) -> bool {
        self.schema
            .fields
            .iter()
            .any(|f| f.wire == name && !f.update)
            || self.schema.joined.iter().any(|f| f.wire == name)
    }

    /// Stores a record as given, filling in what the server sets when it is absent.
    pub(crate) fn insert_raw(&mut self, record: Value) -> Result<i64, String> {
        let Value::Object(mut record) = record else {
            return Err(format!(
                "a {} record must be a JSON object",
                self.schema.name
            ));
        };
        let id = match record.get("Id") {
            None | Some(Value::Null) => self
                .allocate_id()
                .ok_or_else(|| format!("no {} ids are left", self.schema.name))?,
            Some(id) => id.as_i64().ok_or_else(|| {
                format!("the Id of a {} record must be an integer", self.schema.name)
            })?,
        };
        if id >= self.next_id {
            self.next_id = id.saturating_add(1);
        }
        let now = now();
        record.insert("Id".into(), id.into());
        for (name, value) in [
            ("UniqueId", new_guid()),
            ("CreatedOn", now.clone().into()),
            ("UpdatedOn", now.into()),
            ("UpdatedBy", "System".into()),
            ("IsNew", false.into()),
        ] {
            if record.get(name).is_none_or(Value::is_null) {
                record.insert(name.into(), value);
            }
        }
        self.records.insert(id, record);
        Ok(id)
    }

    /// The record as GET one answers it: every field of the full record (null when unset)
    /// and the unknown properties, without joined display fields.
    pub(crate) fn full_record(&self, record: &Record) -> Value {
        let mut out = Record::new();
        for field in self.schema.fields.iter().filter(|f| f.read) {
            out.insert(
                field.wire.to_owned(),
                record.get(field.wire).cloned().unwrap_or(Value::Null),
            );
        }
        for (name, value) in record {
            if self.schema.field(name).is_none() {
                out.insert(name.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// The record with its joined display fields filled in (see [`joined_value`]): what
    /// filters and sorting look at.
    pub(crate) fn view(&self, record: &Record) -> Record {
        let mut view = record.clone();
        for field in self.schema.joined {
            if view.get(field.wire).is_none() {
                view.insert(field.wire.to_owned(), self.joined_value(record, field));
            }
        }
        view
    }

    /// One property of a record as [`view`](Self::view) would show it, without copying
    /// the record: the stored value, or the joined display field's value.
    pub(crate) fn value<'a>(&self, record: &'a Record, name: &str) -> Option<Cow<'a, Value>> {
        if let Some(value) = record.get(name) {
            return Some(Cow::Borrowed(value));
        }
        self.schema
            .joined
            .iter()
            .find(|f| f.wire == name)
            .map(|field| Cow::Owned(self.joined_value(record, field)))
    }

    /// The list record of a [`view`](Self::view): the fields list records carry, the
    /// joined fields and the unknown properties.
    pub(crate) fn list_record(&self, view: &Record) -> Value {
        let mut out = Record::new();
        for field in self.schema.list_fields() {
            out.insert(
                field.wire.to_owned(),
                view.get(field.wire).cloned().unwrap_or(Value::Null),
            );
        }
        for (name, value) in view {
            if self.schema.field(name).is_none() {
                out.insert(name.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// A joined display field the record was not seeded with: a string field named after
    /// one of the record's id fields (`CoworkerFullName` after `CoworkerId`) reads
    /// `"Coworker 12"`; anything else is null.
    fn joined_value(&self, record: &Record, field: &FieldSchema) -> Value {
        if field.kind != FieldKind::String {
            return Value::Null;
        }
        self.schema
            .fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Id(_)))
            .filter_map(|f| {
                let prefix = f.wire.strip_suffix("Id")?;
                (!prefix.is_empty() && field.wire.starts_with(prefix)).then_some((prefix, f.wire))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .and_then(|(prefix, id_field)| {
                let id = record.get(id_field)?.as_i64()?;
                Some(Value::String(format!("{prefix} {id}")))
            })
            .unwrap_or(Value::Null)
    }
}

/// Whether a body of `write`'s kind may set the field.
fn writes(field: &FieldSchema, write: Write) -> bool {
    match write {
        Write::Create => field.create,
        Write::Update => field.update,
    }
}
