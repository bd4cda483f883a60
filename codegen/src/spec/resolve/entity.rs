//! One entity file: names, fields, list record, filters, sorting, endpoints, commands; and
//! the checks across entities.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToKebabCase, ToSnakeCase};
use marked_yaml::{Span, Spanned};

use super::{Resolver, line_of};
use crate::model::{
    Command, Endpoint, EndpointKind, Entity, EntityNames, Field, Filter, ID_FIELD, Operation, Pii,
    ROLE_ACTIONS, RangeFilter, SortField, Type,
};
use crate::names::{self, RustIdent};
use crate::spec::error::did_you_mean;
use crate::spec::raw::{self, RawSpec, SELF_ENTITY, TYPE_NAMES, TypeExpr, WriteTarget};

/// Area names the generated crate uses itself, at its root or as features.
pub const RESERVED_AREAS: &[&str] = &[
    "runtime", "service", "wire", "emulator", "ids", "enums", "full", "default", "schemas",
];

/// Cargo features the generated crate defines itself, which no entity's feature (its module
/// name) may take.
const RESERVED_FEATURES: &[&str] = &["default", "full", "schemas"];

/// Rust field names the generated records use for themselves.
const RESERVED_FIELD_NAMES: &[&str] = &["extra"];

/// Names of the prelude that generated modules use unqualified: an entity's types must not
/// shadow them.
const PRELUDE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Methods of the runtime's `Client` (public and private, and of the traits it derives).
/// An entity's accessor (`client.coworkers()`) must not share a name with one of them.
/// `tests/tests/names.rs` checks this list against the runtime's source.
pub const CLIENT_METHODS: &[&str] = &[
    "attempt",
    "base_url",
    "builder",
    "clone",
    "credentials",
    "download",
    "execute",
    "find_by_ids",
    "fmt",
    "forget_token",
    "get_commands",
    "get_json",
    "get_page",
    "get_record",
    "grant",
    "new",
    "per_request_settings",
    "send_action",
    "stream_pages",
    "token",
    "url",
];

/// Methods every endpoint handle may have; a download's method must not take one.
const HANDLE_METHODS: &[&str] = &[
    "list",
    "stream",
    "find_by_ids",
    "get",
    "create",
    "update",
    "delete",
    "commands",
    "run_command",
    "modify",
];

/// Where a field is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Base,
    Own,
    Joined,
}

impl Resolver<'_> {
    pub(super) fn entity(
        &mut self,
        service: &raw::Service,
        entity: &raw::Entity,
    ) -> Option<Entity> {
        let def = &entity.def;
        let name = def.entity.as_str();
        self.broken.clear();
        let names = self.entity_names(entity);
        let area = self.area(entity);
        self.area_ok = area.is_some();
        let docs = self.docs(&def.docs, &format!("entity `{name}`"));
        self.sources(&def.sources);

        // The full record: the base fields (with `Id` first), then the entity's own.
        let mut raw_fields: Vec<(&raw::Field, Origin)> = Vec::new();
        raw_fields.extend(
            service
                .base_fields
                .iter()
                .filter(|f| f.wire.as_str() == ID_FIELD)
                .map(|f| (f, Origin::Base)),
        );
        raw_fields.extend(
            service
                .base_fields
                .iter()
                .filter(|f| f.wire.as_str() != ID_FIELD)
                .map(|f| (f, Origin::Base)),
        );
        for field in &def.fields {
            if let Some(base) = service
                .base_fields
                .iter()
                .find(|b| b.wire.eq_ignore_ascii_case(&field.wire))
            {
                let at = line_of(base.wire.span());
                self.error(
                    field.wire.span(),
                    format!(
                        "field `{}` is already the base field `{}` of every entity (service.yaml{at})",
                        field.wire.as_str(),
                        base.wire.as_str()
                    ),
                    None,
                );
                continue;
            }
            raw_fields.push((field, Origin::Own));
        }
        self.record_names(raw_fields.iter().map(|(f, _)| *f), &format!("`{name}`"));
        let mut fields = Vec::new();
        for (f, origin) in &raw_fields {
            match self.field(f, name, *origin) {
                Some(field) => fields.push(field),
                // Reported already; filters and sort naming it are not reported again.
                None => {
                    self.broken.insert(f.wire.to_string());
                }
            }
        }
        let list_docs = def
            .list
            .docs
            .as_ref()
            .map(|d| self.docs(d, &format!("the list record of `{name}`")));
        let joined = self.joined(def, name, &raw_fields);
        self.flags_unique(def, service);

        let filters = self.filters(def, service, &fields, &joined);
        let sort = self.sort(def, &fields, &joined);
        let endpoints = self.endpoints(entity);
        let commands = self.commands(def);
        let id = self.id_type(name);
        let (filters, range_filters) = filters?;
        Some(Entity {
            name: name.to_owned(),
            area: area?,
            file: entity.file.clone(),
            docs,
            sources: def.sources.iter().map(|s| s.as_str().to_owned()).collect(),
            names: names?,
            id: id?,
            fields,
            joined,
            list_docs,
            filters,
            range_filters,
            sort,
            endpoints,
            commands,
        })
    }

    fn entity_names(&mut self, entity: &raw::Entity) -> Option<EntityNames> {
        let def = &entity.def;
        let name = def.entity.as_str();
        let record = match names::camel(name) {
            Ok(ident) if ident.as_str() == name => ident,
            _ => {
                self.error(
                    def.entity.span(),
                    format!("entity name `{name}` must be UpperCamelCase letters and digits"),
                    None,
                );
                return None;
            }
        };
        let stem = entity
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != name.to_snake_case() {
            self.error(
                def.entity.span(),
                format!("entity `{name}` is in file `{stem}.yaml`"),
                Some(format!("name the file `{}.yaml`", name.to_snake_case())),
            );
        }
        let module = self.name(names::entity_module, &def.entity, "the entity", None)?;
        let api = names::camel(module.as_str()).ok()?;
        if names::is_keyword(module.as_str()) {
            self.error(
                def.entity.span(),
                format!("entity `{name}` has the module `{module}`, a Rust keyword, which would name a file and a feature"),
                None,
            );
        }
        if RESERVED_FEATURES.contains(&module.as_str()) {
            self.error(
                def.entity.span(),
                format!("entity `{name}` has the module `{module}`, which would name the same cargo feature as the crate's own `{module}`"),
                Some(format!("the crate's own features are {}", RESERVED_FEATURES.join(", "))),
            );
        }
        if CLIENT_METHODS.contains(&module.as_str()) {
            self.error(
                def.entity.span(),
                format!(
                    "entity `{name}` has the accessor `client.{module}()`, which the client has already"
                ),
                Some(format!("the client's own methods are {}", CLIENT_METHODS.join(", "))),
            );
        }
        for ty in [&record, &api] {
            if PRELUDE_NAMES.contains(&ty.as_str()) {
                self.error(
                    def.entity.span(),
                    format!(
                        "entity `{name}` would define the type `{ty}`, which shadows Rust's own `{ty}` in its module"
                    ),
                    None,
                );
            }
        }
        Some(EntityNames {
            list_item: record.suffixed("ListItem"),
            new_body: record.prefixed("New"),
            update_body: record.suffixed("Update"),
            filter: record.suffixed("Filter"),
            sort: record.suffixed("Sort"),
            query: record.suffixed("Query"),
            record,
            module,
            api,
        })
    }

    fn area(&mut self, entity: &raw::Entity) -> Option<RustIdent> {
        let span = entity.def.entity.span();
        let area = entity.area.as_str();
        if RESERVED_AREAS.contains(&area) {
            self.error(
                span,
                format!("area folder `{area}` is a name the generated crate uses itself"),
                Some(format!(
                    "areas cannot be named {}",
                    RESERVED_AREAS.join(", ")
                )),
            );
            return None;
        }
        match names::snake(area) {
            Ok(ident) if ident.as_str() == area && !names::is_keyword(area) => Some(ident),
            _ => {
                self.error(
                    span,
                    format!(
                        "area folder `{area}` must be a snake_case name that is not a Rust keyword"
                    ),
                    None,
                );
                None
            }
        }
    }

    /// Wire and Rust names within one record: distinct, also ignoring case (the API's JSON
    /// reader does), and distinct once converted to Rust.
    fn record_names<'f>(&mut self, fields: impl Iterator<Item = &'f raw::Field>, what: &str) {
        let mut wires: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        let mut rusts: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        for field in fields {
            if let Some(first) = wires.insert(field.wire.to_ascii_lowercase(), &field.wire) {
                let at = line_of(first.span());
                let message = if first.as_str() == field.wire.as_str() {
                    format!(
                        "field `{}` appears twice in {what} (first{at})",
                        field.wire.as_str()
                    )
                } else {
                    format!(
                        "fields `{}` and `{}` of {what} differ only by case, which the API ignores (the other is{at})",
                        first.as_str(),
                        field.wire.as_str()
                    )
                };
                self.error(field.wire.span(), message, None);
                continue;
            }
            if let Ok(ident) = names::snake(field.rust_source())
                && let Some(first) = rusts.insert(ident.as_str().to_owned(), &field.wire)
            {
                let at = line_of(first.span());
                self.error(
                    field.wire.span(),
                    format!(
                        "fields `{}` and `{}` both become `{ident}` in Rust",
                        first.as_str(),
                        field.wire.as_str()
                    ),
                    Some(format!(
                        "give one of them a `rust:` name (the other is{at})"
                    )),
                );
            }
        }
    }

    /// One field, resolved; `None` (with the problem recorded) if anything is wrong.
    fn field(&mut self, f: &raw::Field, entity: &str, origin: Origin) -> Option<Field> {
        let wire = f.wire.as_str();
        let what = format!("field `{wire}`");
        let name_span = f.rust_source().span();
        let help = f
            .rust
            .is_none()
            .then_some("add `rust: SomeName` to name it in Rust");
        let ident = self.name(names::snake, f.rust_source(), &what, help);
        if let Some(ident) = &ident
            && RESERVED_FIELD_NAMES.contains(&ident.as_str())
        {
            self.error(
                name_span,
                format!("field name `{ident}` is taken by the generated records"),
                Some("add `rust: SomeOtherName`".into()),
            );
        }
        if wire.is_empty() {
            self.error(f.wire.span(), "a field's wire name cannot be empty", None);
        }
        let ty = self.field_type(&f.ty, entity, &what);
        let docs = self.docs(&f.docs, &what);
        self.sources(&f.sources);

        let required = f.is_required();
        let read = f.read.as_ref().is_none_or(|r| **r);
        let (mut create, mut update) = self.write_targets(f.write.as_ref(), &what);
        let pii = f.pii.as_ref().and_then(|p| self.pii(p, &what));
        let flag = f
            .flag
            .as_ref()
            .and_then(|flag| self.flag(flag, wire, &what));
        if origin == Origin::Joined {
            // Display fields joined from another record are never written.
            if let Some(write) = f.write.as_ref().filter(|w| !w.is_empty()) {
                self.error(
                    write.span(),
                    format!("joined {what} is display-only; it cannot be written"),
                    Some("remove `write:`".into()),
                );
            }
            if let Some(r) = f.required.as_ref().filter(|r| ***r) {
                self.error(
                    r.span(),
                    format!("joined {what} is display-only; it cannot be required"),
                    None,
                );
            }
            if let Some(r) = f.read.as_ref().filter(|r| !***r) {
                self.error(
                    r.span(),
                    format!("joined {what} is what list records carry; it cannot be `read: false`"),
                    None,
                );
            }
            (create, update) = (false, false);
        }
        if required && !create && origin != Origin::Joined {
            self.error(
                f.wire.span(),
                format!("{what} is required on create, but `write` does not allow it on create"),
                Some("drop one of them and record why in `decision:`".into()),
            );
        }
        if !read {
            if !create && !update {
                self.error(
                    f.wire.span(),
                    format!("{what} is neither read nor written"),
                    Some(
                        "a `read: false` field needs `write: [create]`, `[update]` or both".into(),
                    ),
                );
            }
            for (key, given) in [
                ("in_list", f.in_list.as_ref().map(|s| s.span())),
                ("nullable", f.nullable.as_ref().map(|s| s.span())),
            ] {
                if let Some(span) = given {
                    self.error(
                        span,
                        format!(
                            "{what} is never in answers (`read: false`), so `{key}` means nothing"
                        ),
                        None,
                    );
                }
            }
        }
        Some(Field {
            wire: wire.to_owned(),
            ident: ident?,
            ty: ty?,
            required,
            create,
            update,
            read,
            api_only: f.api_only,
            nullable: f.nullable.as_ref().map_or(!required, |n| **n),
            in_list: f.in_list.as_ref().is_none_or(|l| **l),
            pii,
            flag,
            docs,
            decision: f.decision.as_ref().map(|d| d.to_string()),
        })
    }

    /// The bodies of a `write:` list, `(create, update)`; both when it is not given.
    pub(super) fn write_targets(
        &mut self,
        write: Option<&Spanned<Vec<Spanned<WriteTarget>>>>,
        what: &str,
    ) -> (bool, bool) {
        let Some(write) = write else {
            return (true, true);
        };
        let (mut create, mut update) = (false, false);
        for target in write.iter() {
            let seen = match **target {
                WriteTarget::Create => std::mem::replace(&mut create, true),
                WriteTarget::Update => std::mem::replace(&mut update, true),
            };
            if seen {
                self.error(
                    target.span(),
                    format!("{what} lists a body twice in `write`"),
                    None,
                );
            }
        }
        (create, update)
    }

    fn pii(&mut self, pii: &Spanned<String>, what: &str) -> Option<Pii> {
        let found = Pii::parse(pii);
        if found.is_none() {
            let names = Pii::ALL.map(Pii::as_str);
            let help = did_you_mean(&pii.to_ascii_uppercase(), names.iter().copied())
                .or_else(|| Some(format!("categories are {}", names.join(", "))));
            self.error(
                pii.span(),
                format!("{what}: `{}` is not a personal-data category", pii.as_str()),
                help,
            );
        }
        found
    }

    /// A field's command-line option name: kebab-case, and only where it is not the wire
    /// name's own kebab-case (which every field has without saying).
    fn flag(&mut self, flag: &Spanned<String>, wire: &str, what: &str) -> Option<String> {
        let text = flag.as_str();
        let kebab_ok = !text.is_empty()
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && !text.ends_with('-')
            && !text.contains("--")
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !kebab_ok {
            self.error(
                flag.span(),
                format!("{what}: flag `{text}` is not a kebab-case option name"),
                Some("write it as the command line does, without `--`: `teams-at-booking`".into()),
            );
            return None;
        }
        if text == wire.to_kebab_case() {
            self.error(
                flag.span(),
                format!("{what}: flag `{text}` is the wire name's own option"),
                Some("remove `flag:`; it is only for options named otherwise".into()),
            );
            return None;
        }
        Some(text.to_owned())
    }

    /// Every field's option name (its `flag:`, else its kebab-case wire name) is its own
    /// within the entity, so the command line can offer each. Two wire names with the same
    /// kebab-case are a clash of Rust names already; only a `flag:` is reported here.
    fn flags_unique(&mut self, def: &raw::EntityDef, service: &raw::Service) {
        let fields: Vec<&raw::Field> = service
            .base_fields
            .iter()
            .chain(&def.fields)
            .chain(&def.list.joined)
            .collect();
        let option = |f: &raw::Field| match &f.flag {
            Some(flag) => flag.to_string(),
            None => f.wire.to_kebab_case(),
        };
        for f in &fields {
            let Some(flag) = &f.flag else {
                continue;
            };
            let other = fields
                .iter()
                .find(|o| o.wire.as_str() != f.wire.as_str() && option(o) == flag.as_str());
            if let Some(other) = other {
                self.error(
                    flag.span(),
                    format!(
                        "fields `{}` and `{}` are both the option `--{}`",
                        f.wire.as_str(),
                        other.wire.as_str(),
                        flag.as_str()
                    ),
                    None,
                );
            }
        }
    }

    fn field_type(&mut self, ty: &Spanned<TypeExpr>, entity: &str, what: &str) -> Option<Type> {
        let id = |r: &mut Self, named: &str| {
            let named = if named == SELF_ENTITY { entity } else { named };
            match names::camel(named) {
                Ok(ident) if ident.as_str() == named => r.id_type(named),
                _ => {
                    r.error(
                        ty.span(),
                        format!(
                            "{what}: `{named}` in `{}` is not an UpperCamelCase entity name",
                            **ty
                        ),
                        None,
                    );
                    None
                }
            }
        };
        match &**ty {
            TypeExpr::Invalid { text, reason } => {
                let help = did_you_mean(text, TYPE_NAMES.iter().copied())
                    .or_else(|| Some(format!("types are {}", TYPE_NAMES.join(", "))));
                self.error(ty.span(), format!("{what}: {reason}"), help);
                None
            }
            TypeExpr::Id(named) => id(self, named).map(Type::Id),
            TypeExpr::Ids(named) => id(self, named).map(Type::Ids),
            TypeExpr::Enum(named) => match self.enums.get(named) {
                Some(e) => Some(Type::Enum(e.clone())),
                None => {
                    let help = did_you_mean(named, self.enums.keys().map(String::as_str))
                        .or_else(|| Some("declare it in spec/enums.yaml".into()));
                    self.error(
                        ty.span(),
                        format!("{what}: no enum `{named}` is declared in enums.yaml"),
                        help,
                    );
                    None
                }
            },
            TypeExpr::Integer => Some(Type::Integer),
            TypeExpr::Decimal => Some(Type::Decimal),
            TypeExpr::Money => Some(Type::Money),
            TypeExpr::Boolean => Some(Type::Boolean),
            TypeExpr::String => Some(Type::String),
            TypeExpr::DateTime => Some(Type::DateTime),
            TypeExpr::Guid => Some(Type::Guid),
            TypeExpr::Json => Some(Type::Json),
        }
    }

    /// The joined display fields: new names, not clashing in Rust with the list record.
    fn joined(
        &mut self,
        def: &raw::EntityDef,
        entity: &str,
        record: &[(&raw::Field, Origin)],
    ) -> Vec<Field> {
        let mut rusts: BTreeMap<String, String> = record
            .iter()
            .filter_map(|(f, _)| {
                names::snake(f.rust_source())
                    .ok()
                    .map(|i| (i.as_str().to_owned(), f.wire.to_string()))
            })
            .collect();
        let mut joined = Vec::new();
        let mut wires = BTreeSet::new();
        for f in &def.list.joined {
            if let Some((record_field, _)) = record
                .iter()
                .find(|(r, _)| r.wire.eq_ignore_ascii_case(&f.wire))
            {
                self.error(
                    f.wire.span(),
                    format!(
                        "joined field `{}` is already the record field `{}`",
                        f.wire.as_str(),
                        record_field.wire.as_str()
                    ),
                    Some("mark the record field instead".into()),
                );
                continue;
            }
            if !wires.insert(f.wire.to_ascii_lowercase()) {
                self.error(
                    f.wire.span(),
                    format!("joined field `{}` appears twice", f.wire.as_str()),
                    None,
                );
                continue;
            }
            let Some(field) = self.field(f, entity, Origin::Joined) else {
                self.broken.insert(f.wire.to_string());
                continue;
            };
            if let Some(first) = rusts.insert(field.ident.as_str().to_owned(), field.wire.clone()) {
                self.error(
                    f.wire.span(),
                    format!(
                        "joined field `{}` and field `{first}` both become `{}` in Rust",
                        field.wire, field.ident
                    ),
                    Some("give one of them a `rust:` name".into()),
                );
                continue;
            }
            joined.push(field);
        }
        joined
    }

    #[allow(clippy::type_complexity)]
    fn filters(
        &mut self,
        def: &raw::EntityDef,
        service: &raw::Service,
        fields: &[Field],
        joined: &[Field],
    ) -> Option<(Vec<Filter>, Vec<RangeFilter>)> {
        let entity = def.entity.as_str();
        let filterable: Vec<&Field> = fields.iter().filter(|f| f.read).chain(joined).collect();
        let names: Vec<&str> = filterable.iter().map(|f| f.wire.as_str()).collect();
        let mut queries: BTreeSet<String> = [
            &service.paging.page.query,
            &service.paging.size.query,
            &service.paging.order_by.query,
            &service.paging.direction.query,
        ]
        .iter()
        .map(|q| q.to_ascii_lowercase())
        .collect();
        if let Some(q) = def
            .endpoints
            .find_by_ids
            .as_ref()
            .and_then(|e| e.query.as_ref())
        {
            self.query_name(q, &mut queries);
        }
        let mut variants: BTreeMap<String, Span> = BTreeMap::new();
        let mut ok = true;
        let mut filters = Vec::new();
        for filter in &def.filters {
            self.query_name(&filter.query, &mut queries);
            let docs = self.docs(&filter.docs, &format!("filter `{}`", filter.query.as_str()));
            self.sources(&filter.sources);
            let source = filter.rust.clone().unwrap_or_else(|| {
                // `CoworkerDiscountCode_Coworker_FullName` → `Coworker_FullName`.
                let stripped = filter
                    .query
                    .strip_prefix(entity)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or(&filter.query);
                Spanned::new(*filter.query.span(), stripped.to_owned())
            });
            let variant = self.variant(&source, &mut variants);
            let field = self.filter_field(&filter.field, &filterable, &names, "filter");
            let ty = match field {
                Some(f) if matches!(f.ty, Type::Json) => {
                    self.error(
                        filter.field.span(),
                        format!(
                            "filter `{}` is on JSON field `{}`, which has no value to compare",
                            filter.query.as_str(),
                            f.wire
                        ),
                        None,
                    );
                    None
                }
                // A filter on an id list matches records whose list holds one id.
                Some(Field {
                    ty: Type::Ids(id), ..
                }) => Some(Type::Id(id.clone())),
                Some(f) => Some(f.ty.clone()),
                None => None,
            };
            match (variant, ty) {
                (Some(variant), Some(ty)) => filters.push(Filter {
                    query: filter.query.to_string(),
                    field: filter.field.to_string(),
                    ty,
                    variant,
                    docs,
                    decision: filter.decision.as_ref().map(|d| d.to_string()),
                }),
                _ => ok = false,
            }
        }
        let mut ranges = Vec::new();
        for range in &def.range_filters {
            self.query_name(&range.from, &mut queries);
            self.query_name(&range.to, &mut queries);
            let docs = self.docs(
                &range.docs,
                &format!("range filter on `{}`", range.field.as_str()),
            );
            self.sources(&range.sources);
            for (query, prefix) in [
                (&range.from, &service.range_filters.from_prefix),
                (&range.to, &service.range_filters.to_prefix),
            ] {
                if !query.starts_with(prefix.as_str()) {
                    self.error(
                        query.span(),
                        format!(
                            "range filter `{}` must start with `{}`",
                            query.as_str(),
                            prefix.as_str()
                        ),
                        None,
                    );
                }
            }
            let from_variant = self.variant(
                &Spanned::new(*range.field.span(), format!("From{}", range.field.as_str())),
                &mut variants,
            );
            let to_variant = self.variant(
                &Spanned::new(*range.field.span(), format!("To{}", range.field.as_str())),
                &mut variants,
            );
            let ty = match self.filter_field(&range.field, &filterable, &names, "range filter") {
                Some(f) if !f.ty.has_range() => {
                    self.error(
                        range.field.span(),
                        format!("range filter on `{}`, whose type has no range", f.wire),
                        Some(
                            "range filters take integer, decimal, money, datetime and id fields"
                                .into(),
                        ),
                    );
                    None
                }
                Some(f) => Some(f.ty.clone()),
                None => None,
            };
            match (from_variant, to_variant, ty) {
                (Some(from_variant), Some(to_variant), Some(ty)) => ranges.push(RangeFilter {
                    from: range.from.to_string(),
                    to: range.to.to_string(),
                    field: range.field.to_string(),
                    ty,
                    from_variant,
                    to_variant,
                    docs,
                    decision: range.decision.as_ref().map(|d| d.to_string()),
                }),
                _ => ok = false,
            }
        }
        ok.then_some((filters, ranges))
    }

    fn filter_field<'f>(
        &mut self,
        name: &Spanned<String>,
        filterable: &[&'f Field],
        names: &[&str],
        what: &str,
    ) -> Option<&'f Field> {
        let found = filterable.iter().find(|f| f.wire == name.as_str()).copied();
        if found.is_none() && !self.broken.contains(name.as_str()) {
            self.unknown_field(name, what, names);
        }
        found
    }

    /// A filter's enum variant, unique within the entity's filter enum.
    fn variant(
        &mut self,
        source: &Spanned<String>,
        seen: &mut BTreeMap<String, Span>,
    ) -> Option<RustIdent> {
        let ident = self.name(
            names::camel,
            source,
            "the filter",
            Some("add `rust: SomeName`"),
        )?;
        if let Some(first) = seen.insert(ident.to_string(), *source.span()) {
            let at = line_of(&first);
            self.error(
                source.span(),
                format!("two filters become the variant `{ident}` (the other is{at})"),
                Some("give one a `rust:` name".into()),
            );
            return None;
        }
        Some(ident)
    }

    fn sort(&mut self, def: &raw::EntityDef, fields: &[Field], joined: &[Field]) -> Vec<SortField> {
        let listed: Vec<&Field> = fields
            .iter()
            .filter(|f| f.read && f.in_list)
            .chain(joined)
            .collect();
        let names: Vec<&str> = listed.iter().map(|f| f.wire.as_str()).collect();
        let mut seen = BTreeSet::new();
        let mut variants: BTreeMap<String, &str> = BTreeMap::new();
        let mut sort = Vec::new();
        for wire in &def.sort {
            if !seen.insert(wire.as_str()) {
                self.error(
                    wire.span(),
                    format!("sort field `{}` is listed twice", wire.as_str()),
                    None,
                );
                continue;
            }
            let Some(field) = listed.iter().find(|f| f.wire == wire.as_str()) else {
                if !self.broken.contains(wire.as_str()) {
                    self.unknown_field(wire, "sort field", &names);
                }
                continue;
            };
            if matches!(field.ty, Type::Json | Type::Ids(_)) {
                let kind = if matches!(field.ty, Type::Json) {
                    "JSON"
                } else {
                    "id list"
                };
                self.error(
                    wire.span(),
                    format!(
                        "`{}` is a {kind} field and cannot order a list",
                        wire.as_str()
                    ),
                    None,
                );
                continue;
            }
            let Ok(variant) = names::camel(field.ident.as_str()) else {
                continue;
            };
            if let Some(other) = variants.insert(variant.to_string(), wire.as_str()) {
                self.error(
                    wire.span(),
                    format!(
                        "sort fields `{other}` and `{}` both become the variant `{variant}`",
                        wire.as_str()
                    ),
                    Some("give one of the fields a `rust:` name".into()),
                );
                continue;
            }
            sort.push(SortField {
                wire: wire.to_string(),
                variant,
                docs: field.docs.clone(),
            });
        }
        sort
    }

    fn endpoints(&mut self, entity: &raw::Entity) -> Vec<Endpoint> {
        let def = &entity.def;
        let name = def.entity.as_str();
        let e = &def.endpoints;
        let mut out = Vec::new();
        for (kind, endpoint) in [
            (EndpointKind::List, &e.list),
            (EndpointKind::FindByIds, &e.find_by_ids),
            (EndpointKind::Get, &e.get),
            (EndpointKind::Create, &e.create),
            (EndpointKind::Update, &e.update),
            (EndpointKind::Delete, &e.delete),
            (EndpointKind::Commands, &e.commands),
            (EndpointKind::RunCommand, &e.run_command),
        ] {
            let Some(ep) = endpoint else { continue };
            let key = kind.key();
            self.path(&ep.path, kind, &entity.area, key);
            self.role(&ep.role, name);
            let docs = self.docs(&ep.docs, &format!("endpoint `{key}`"));
            self.sources(&ep.sources);
            let operation = match (kind, &ep.query) {
                (EndpointKind::FindByIds, None) => {
                    self.error(
                        ep.path.span(),
                        "a `find_by_ids` endpoint needs the `query:` that takes the id list",
                        None,
                    );
                    continue;
                }
                (EndpointKind::FindByIds, Some(q)) => Operation::FindByIds {
                    query: q.to_string(),
                },
                (_, Some(q)) => {
                    self.error(
                        q.span(),
                        format!("only `find_by_ids` takes `query:`, not `{key}`"),
                        None,
                    );
                    continue;
                }
                (EndpointKind::List, None) => Operation::List,
                (EndpointKind::Get, None) => Operation::Get,
                (EndpointKind::Create, None) => Operation::Create,
                (EndpointKind::Update, None) => Operation::Update,
                (EndpointKind::Delete, None) => Operation::Delete,
                (EndpointKind::Commands, None) => Operation::Commands,
                (EndpointKind::RunCommand, None) => Operation::RunCommand,
                (EndpointKind::Download, None) => continue,
            };
            let Ok(konst) = names::shouty(key) else {
                continue;
            };
            out.push(Endpoint {
                operation,
                path: ep.path.to_string(),
                role: ep.role.to_string(),
                konst,
                docs,
                decision: ep.decision.as_ref().map(|d| d.to_string()),
            });
        }
        let mut methods = BTreeSet::new();
        for download in &e.downloads {
            let kind = EndpointKind::Download;
            self.path(&download.path, kind, &entity.area, "downloads");
            self.role(&download.role, name);
            let docs = self.docs(
                &download.docs,
                &format!("download `{}`", download.name.as_str()),
            );
            self.sources(&download.sources);
            let camel_ok =
                names::camel(&download.name).is_ok_and(|c| c.as_str() == download.name.as_str());
            if !camel_ok {
                self.error(
                    download.name.span(),
                    format!(
                        "download name `{}` must be UpperCamelCase letters and digits",
                        download.name.as_str()
                    ),
                    None,
                );
                continue;
            }
            let (Ok(method), Ok(konst)) = (
                names::snake(&download.name),
                names::shouty(&format!("Download{}", download.name.as_str())),
            ) else {
                continue;
            };
            if HANDLE_METHODS.contains(&method.as_str()) || !methods.insert(method.to_string()) {
                self.error(
                    download.name.span(),
                    format!(
                        "download `{}` would make a second method `{method}`",
                        download.name.as_str()
                    ),
                    Some(format!(
                        "the handle's methods are {} and the other downloads'",
                        HANDLE_METHODS.join(", ")
                    )),
                );
                continue;
            }
            out.push(Endpoint {
                operation: Operation::Download {
                    name: download.name.to_string(),
                    method,
                },
                path: download.path.to_string(),
                role: download.role.to_string(),
                konst,
                docs,
                decision: download.decision.as_ref().map(|d| d.to_string()),
            });
        }
        let given = [
            &e.list,
            &e.find_by_ids,
            &e.get,
            &e.create,
            &e.update,
            &e.delete,
            &e.commands,
            &e.run_command,
        ];
        if given.iter().all(|ep| ep.is_none()) && e.downloads.is_empty() {
            self.error(
                def.entity.span(),
                format!("entity `{name}` has no endpoints"),
                None,
            );
        }
        out
    }

    fn path(&mut self, path: &Spanned<String>, kind: EndpointKind, area: &str, key: &str) {
        let area_prefix = format!("/api/{area}/");
        // A bad area folder is reported once, not at every path.
        if self.area_ok && !path.starts_with(&area_prefix) {
            self.error(
                path.span(),
                format!("path `{}` is outside the entity's area `{area_prefix}`", path.as_str()),
                Some(format!("move the file to the area folder of its path, or start the path with `{area_prefix}`")),
            );
        }
        // Only get, delete and downloads fill a placeholder, and only the trailing `{Id}`.
        let placeholders = path.matches('{').count() + path.matches('}').count();
        if kind.has_id_in_path() && !path.ends_with("/{Id}") {
            self.error(
                path.span(),
                format!("a `{key}` path ends with `/{{Id}}`"),
                None,
            );
        } else if placeholders > 2 * usize::from(kind.has_id_in_path()) {
            self.error(
                path.span(),
                format!(
                    "path `{}` has a placeholder a `{key}` endpoint does not fill",
                    path.as_str()
                ),
                None,
            );
        }
        if path
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#' || c == '%')
        {
            self.error(
                path.span(),
                format!(
                    "path `{}` must not contain spaces, `?`, `#` or `%`",
                    path.as_str()
                ),
                None,
            );
        }
    }

    fn commands(&mut self, def: &raw::EntityDef) -> Vec<Command> {
        let mut keys = BTreeSet::new();
        let mut consts: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for command in &def.commands {
            let docs = self.docs(
                &command.docs,
                &format!("command `{}`", command.key.as_str()),
            );
            self.sources(&command.sources);
            if command.key.trim().is_empty() || !keys.insert(command.key.as_str()) {
                self.error(
                    command.key.span(),
                    format!(
                        "command key `{}` is empty or repeated",
                        command.key.as_str()
                    ),
                    None,
                );
                continue;
            }
            let Some(konst) = self.name(names::shouty, &command.key, "the command key", None)
            else {
                continue;
            };
            if let Some(first) = consts.insert(konst.to_string(), &command.key) {
                let at = line_of(first.span());
                self.error(
                    command.key.span(),
                    format!(
                        "command keys `{}` and `{}` both become the constant `{konst}` (the other is{at})",
                        first.as_str(),
                        command.key.as_str()
                    ),
                    None,
                );
                continue;
            }
            out.push(Command {
                key: command.key.to_string(),
                konst,
                docs,
            });
        }
        out
    }

    fn unknown_field(&mut self, name: &Spanned<String>, what: &str, candidates: &[&str]) {
        let help = did_you_mean(name, candidates.iter().copied());
        self.error(
            name.span(),
            format!(
                "{what} names `{}`, which is no field of this entity's answers",
                name.as_str()
            ),
            help,
        );
    }

    fn role(&mut self, role: &Spanned<String>, entity: &str) {
        let Some((who, action)) = role.split_once('-') else {
            self.error(
                role.span(),
                format!("role `{}` is not `Entity-Action`", role.as_str()),
                Some(format!("roles look like `{entity}-List`")),
            );
            return;
        };
        if who != entity {
            let help = if who.eq_ignore_ascii_case(entity) {
                format!("the spec writes roles `{entity}-{action}`, whatever the page's spelling")
            } else {
                format!("did you mean `{entity}-{action}`?")
            };
            self.error(
                role.span(),
                format!("role `{}` is for `{who}`, not `{entity}`", role.as_str()),
                Some(help),
            );
        }
        if !ROLE_ACTIONS.contains(&action) {
            let help = did_you_mean(action, ROLE_ACTIONS.iter().copied())
                .or_else(|| Some(format!("actions are {}", ROLE_ACTIONS.join(", "))));
            self.error(
                role.span(),
                format!("role action `{action}` is not one the API has"),
                help,
            );
        }
    }

    /// The base field `Id` names records in paths and updates: it must be the record's
    /// own typed id, always present and never written.
    pub(super) fn base_id(&mut self, service: &raw::Service) {
        match service.base_fields.iter().find(|f| f.wire.as_str() == ID_FIELD) {
            Some(id)
                if *id.ty == TypeExpr::Id(SELF_ENTITY.into())
                    && id.nullable.as_ref().is_some_and(|n| !**n)
                    && id.write.as_ref().is_some_and(|w| w.is_empty())
                    && id.read.as_ref().is_none_or(|r| **r) => {}
            Some(id) => self.error(
                id.wire.span(),
                format!("base field `{ID_FIELD}` must be `type: id<{SELF_ENTITY}>`, `nullable: false` and `write: []`"),
                None,
            ),
            None => self.error(
                service.name.span(),
                format!("the base fields need `{ID_FIELD}`, which names records in paths and updates"),
                None,
            ),
        }
    }

    /// Checks between entities: names, list paths, modules and areas.
    pub(super) fn across_entities(&mut self, raw: &RawSpec) {
        self.base_id(&raw.service);
        let mut names: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        let mut paths: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        let mut modules: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        let areas: BTreeSet<&str> = raw.entities.iter().map(|e| e.area.as_str()).collect();
        for entity in &raw.entities {
            let name = &entity.def.entity;
            if let Some(first) = names.insert(name.to_ascii_lowercase(), name) {
                let at = line_of(first.span());
                self.error(
                    name.span(),
                    format!("entity `{}` is defined twice (first{at})", name.as_str()),
                    None,
                );
                continue;
            }
            if let Ok(module) = names::entity_module(name) {
                let module = module.as_str().to_owned();
                if areas.contains(module.as_str()) {
                    self.error(
                        name.span(),
                        format!(
                            "entity `{}` has the module `{module}`, which is also an area",
                            name.as_str()
                        ),
                        None,
                    );
                }
                if let Some(first) = modules.insert(module.clone(), name) {
                    self.error(
                        name.span(),
                        format!(
                            "entities `{}` and `{}` both have the module `{module}`",
                            first.as_str(),
                            name.as_str()
                        ),
                        None,
                    );
                }
            }
            if let Some(list) = &entity.def.endpoints.list
                && let Some(first) = paths.insert(list.path.to_ascii_lowercase(), &list.path)
            {
                let at = line_of(first.span());
                self.error(
                    list.path.span(),
                    format!(
                        "path `{}` is served by two entities (first{at})",
                        list.path.as_str()
                    ),
                    None,
                );
            }
        }
    }
}
