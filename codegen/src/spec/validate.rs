//! The meaning checks: everything a well-shaped spec can still get wrong. Every check records
//! its problem and goes on, so one run reports them all.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use marked_yaml::{Span, Spanned};

use super::error::did_you_mean;
use super::load::Files;
use super::model::{
    EndpointKind, Entity, Field, ID_FIELD, RESERVED_FIELD_NAMES, ROLE_ACTIONS, Service, Spec,
    TYPE_NAMES, TypeExpr,
};
use crate::names;

/// Areas cannot take these names: the crate root has them (`runtime`, `service`, and the
/// runtime's `wire` and `emulator`), or they are its own features (`full`, `default`).
const RESERVED_AREAS: &[&str] = &["runtime", "service", "wire", "emulator", "full", "default"];

/// Statuses the runtime can read as a validation failure and nothing else.
const VALIDATION_STATUSES: &[u16] = &[400, 422];

pub(crate) fn validate(spec: &Spec, files: &mut Files) {
    let docs: BTreeSet<&str> = spec
        .service
        .documents
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let mut v = Validator {
        files,
        documents: docs,
    };
    v.service(&spec.service);
    let mut names: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
    let mut paths: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
    let mut modules: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
    let areas: BTreeSet<&str> = spec.entities.iter().map(|e| e.area.as_str()).collect();
    for entity in &spec.entities {
        v.entity(&spec.service, entity);
        // Each entity's module names its cargo feature, beside the areas' features.
        if let Ok(module) = names::entity_module(&entity.def.entity) {
            let module = module.to_string();
            if areas.contains(module.as_str()) {
                v.error(
                    entity.def.entity.span(),
                    format!(
                        "entity `{}` has the module `{module}`, which is also an area",
                        entity.def.entity.as_str()
                    ),
                    None,
                );
            }
            // An entity defined twice is reported as such, below, not as a module clash.
            if let Some(first) = modules
                .insert(module.clone(), &entity.def.entity)
                .filter(|first| !first.eq_ignore_ascii_case(&entity.def.entity))
            {
                v.error(
                    entity.def.entity.span(),
                    format!(
                        "entities `{}` and `{}` both have the module `{module}`",
                        first.as_str(),
                        entity.def.entity.as_str()
                    ),
                    None,
                );
            }
        }
        let name = &entity.def.entity;
        if let Some(first) = names.insert(name.to_ascii_lowercase(), name) {
            let at = line_of(first.span());
            v.error(
                name.span(),
                format!("entity `{}` is defined twice (first{at})", name.as_str()),
                None,
            );
        }
        if let Some(list) = &entity.def.endpoints.list
            && let Some(first) = paths.insert(list.path.to_ascii_lowercase(), &list.path)
        {
            let at = line_of(first.span());
            v.error(
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

fn line_of(span: &Span) -> String {
    span.start()
        .map(|m| format!(" at line {}", m.line()))
        .unwrap_or_default()
}

struct Validator<'a> {
    files: &'a mut Files,
    documents: BTreeSet<&'a str>,
}

impl Validator<'_> {
    fn error(&mut self, span: &Span, message: impl Into<String>, help: Option<String>) {
        self.files.error(span, message, help);
    }

    fn docs(&mut self, docs: &Spanned<String>, what: &str) {
        if docs.trim().is_empty() {
            self.error(
                docs.span(),
                format!("{what} has empty `docs`"),
                Some("say what it is; the text becomes rustdoc".into()),
            );
        }
    }

    fn sources(&mut self, sources: &[Spanned<String>]) {
        for source in sources {
            if !self.documents.contains(source.as_str()) {
                let help = did_you_mean(source, self.documents.iter().copied());
                self.error(
                    source.span(),
                    format!(
                        "source `{}` names no document of `documents:` in service.yaml",
                        source.as_str()
                    ),
                    help,
                );
            }
        }
    }

    fn service(&mut self, s: &Service) {
        let mut seen = BTreeSet::new();
        for d in &s.documents {
            if !seen.insert(d.name.as_str()) {
                self.error(
                    d.name.span(),
                    format!("document `{}` is listed twice", d.name.as_str()),
                    None,
                );
            }
        }
        if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://")) {
            self.error(
                s.base_url.span(),
                format!("base_url `{}` is not an http(s) URL", s.base_url.as_str()),
                None,
            );
        }
        self.docs(&s.docs, "the service");
        for scheme in [&s.auth.bearer, &s.auth.basic] {
            self.docs(&scheme.docs, "an auth scheme");
            self.sources(&scheme.sources);
        }
        self.sources(&s.auth.password_grant.sources);
        if !s.auth.password_grant.path.starts_with("/api/") {
            self.error(
                s.auth.password_grant.path.span(),
                "the token path must start with `/api/`",
                None,
            );
        }
        let paging = &s.paging;
        let mut queries = BTreeSet::new();
        for (param, what) in [
            (&paging.page, "page"),
            (&paging.size, "size"),
            (&paging.order_by, "order_by"),
        ] {
            self.sources(&param.sources);
            self.docs(&param.docs, what);
            self.query_name(&param.query, &mut queries);
        }
        self.query_name(&paging.direction.query, &mut queries);
        self.sources(&paging.direction.sources);
        if paging.direction.ascending.as_str() == paging.direction.descending.as_str() {
            self.error(
                paging.direction.descending.span(),
                "ascending and descending must differ",
                None,
            );
        }
        if let (Some(default), Some(max)) = (&paging.size.default, &paging.size.max)
            && (**default > **max || **default == 0)
        {
            self.error(
                default.span(),
                format!(
                    "default page size {} is not within 1..={}",
                    **default, **max
                ),
                None,
            );
        }
        let rf = &s.range_filters;
        self.sources(&rf.sources);
        for prefix in [&rf.from_prefix, &rf.to_prefix] {
            if prefix.is_empty() {
                self.error(prefix.span(), "a range filter prefix cannot be empty", None);
            }
        }
        if rf.from_prefix.as_str() == rf.to_prefix.as_str() {
            self.error(
                rf.to_prefix.span(),
                "the from and to prefixes must differ",
                None,
            );
        }
        self.sources(&s.throttling.sources);
        for status in &s.throttling.statuses {
            if !(400..=599).contains(&**status) {
                self.error(
                    status.span(),
                    format!("{} is not an HTTP error status", **status),
                    None,
                );
            }
        }
        let env = &s.envelopes;
        for (fields, what) in [
            (&env.action, "the action envelope"),
            (&env.validation_error, "the validation error"),
            (&env.page, "the page envelope"),
            (&env.command, "the command"),
        ] {
            self.record(fields.iter(), what);
        }
        // The runtime tells a validation failure by its status; others (401, 403, 404, 409,
        // 429, 5xx) mean something else to it.
        if !VALIDATION_STATUSES.contains(&*env.validation_status) {
            self.error(
                env.validation_status.span(),
                format!("the validation status must be one of {VALIDATION_STATUSES:?}"),
                None,
            );
        }
        self.record(s.base_fields.iter(), "the base fields");
        match s.base_fields.iter().find(|f| f.wire.as_str() == ID_FIELD) {
            Some(id) if *id.ty == TypeExpr::Integer && !id.is_nullable() => {}
            Some(id) => self.error(
                id.wire.span(),
                format!("base field `{ID_FIELD}` must be a non-nullable integer"),
                None,
            ),
            None => self.error(
                s.name.span(),
                format!(
                    "the base fields need `{ID_FIELD}`, which names records in paths and updates"
                ),
                None,
            ),
        }
        let format = s.range_filters.chrono_datetime_format();
        if format
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .any(|c| !"YmdHMST".contains(c))
        {
            self.error(
                s.range_filters.datetime_format.span(),
                format!(
                    "datetime_format `{}` uses letters other than YYYY, MM, DD, HH, mm, ss and T",
                    s.range_filters.datetime_format.as_str()
                ),
                None,
            );
        }
    }

    fn query_name(&mut self, name: &Spanned<String>, seen: &mut BTreeSet<String>) {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.error(
                name.span(),
                format!(
                    "query name `{}` must be letters, digits and `_`",
                    name.as_str()
                ),
                None,
            );
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            self.error(
                name.span(),
                format!(
                    "query name `{}` is used twice (the API ignores case)",
                    name.as_str()
                ),
                None,
            );
        }
    }

    /// Checks the fields of one record type: each field, unique wire names, unique Rust names.
    fn record<'f>(&mut self, fields: impl Iterator<Item = &'f Field>, what: &str) {
        let mut wires: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        let mut rusts: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        for field in fields {
            self.field(field);
            if let Some(first) = wires.insert(field.wire.to_string(), &field.wire) {
                let at = line_of(first.span());
                self.error(
                    field.wire.span(),
                    format!(
                        "field `{}` appears twice in {what} (first{at})",
                        field.wire.as_str()
                    ),
                    None,
                );
                continue;
            }
            if let Ok(ident) = names::snake_ident(field.rust_source_name()) {
                let key = ident.to_string().trim_start_matches("r#").to_owned();
                if let Some(first) = rusts.insert(key.clone(), &field.wire) {
                    let at = line_of(first.span());
                    self.error(
                        field.wire.span(),
                        format!(
                            "fields `{}` and `{}` both become `{key}` in Rust",
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
    }

    fn field(&mut self, f: &Field) {
        let name_span = f.rust.as_ref().map(|r| r.span()).unwrap_or(f.wire.span());
        if let Ok(ident) = names::snake_ident(f.rust_source_name())
            && RESERVED_FIELD_NAMES.contains(&ident.to_string().as_str())
        {
            self.error(
                name_span,
                format!("field name `{ident}` is taken by the generated records"),
                Some("add `rust: SomeOtherName`".into()),
            );
        }
        if let Err(names::NameError(why)) = names::snake_ident(f.rust_source_name()) {
            let help = if f.rust.is_none() {
                Some("add `rust: SomeName` to name it in Rust".to_owned())
            } else {
                None
            };
            self.error(
                name_span,
                format!("field name cannot become a Rust identifier: {why}"),
                help,
            );
        }
        if f.wire.is_empty() {
            self.error(f.wire.span(), "a field's wire name cannot be empty", None);
        }
        if let TypeExpr::Invalid { text, reason } = &*f.ty {
            let help = did_you_mean(text, TYPE_NAMES.iter().copied())
                .or_else(|| Some(format!("types are {}", TYPE_NAMES.join(", "))));
            self.error(
                f.ty.span(),
                format!("field `{}`: {reason}", f.wire.as_str()),
                help,
            );
        }
        if f.required && f.read_only {
            self.error(
                f.wire.span(),
                format!(
                    "field `{}` is both required and read-only: a create body could never set it",
                    f.wire.as_str()
                ),
                Some("drop one of the flags and record why in `decision:`".into()),
            );
        }
        if f.required && f.nullable == Some(true) {
            self.error(
                f.wire.span(),
                format!(
                    "field `{}` is required, so it cannot be nullable",
                    f.wire.as_str()
                ),
                None,
            );
        }
        self.docs(&f.docs, &format!("field `{}`", f.wire.as_str()));
        self.sources(&f.sources);
    }

    fn entity(&mut self, service: &Service, entity: &Entity) {
        let def = &entity.def;
        let name = def.entity.as_str();

        // Names: the entity, its file, its area.
        match names::camel_ident(name) {
            Ok(ident) if ident == name => {}
            Ok(_) | Err(_) => self.error(
                def.entity.span(),
                format!("entity name `{name}` must be UpperCamelCase letters and digits"),
                None,
            ),
        }
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
        if RESERVED_AREAS.contains(&entity.area.as_str()) {
            self.error(
                def.entity.span(),
                format!(
                    "area folder `{}` is a name the generated crate uses itself",
                    entity.area
                ),
                Some(format!(
                    "areas cannot be named {}",
                    RESERVED_AREAS.join(", ")
                )),
            );
        }
        if names::snake_ident(&entity.area)
            .map(|i| i != entity.area.as_str())
            .unwrap_or(true)
        {
            self.error(
                def.entity.span(),
                format!("area folder `{}` must be a snake_case name", entity.area),
                None,
            );
        }
        if let Err(names::NameError(why)) = names::entity_module(name) {
            self.error(def.entity.span(), why, None);
        }
        self.docs(&def.docs, &format!("entity `{name}`"));
        self.sources(&def.sources);

        // Records.
        for field in &def.fields {
            if let Some(base) = service
                .base_fields
                .iter()
                .find(|b| b.wire.as_str() == field.wire.as_str())
            {
                let at = line_of(base.wire.span());
                self.error(
                    field.wire.span(),
                    format!(
                        "field `{}` is already a base field of every entity (service.yaml{at})",
                        field.wire.as_str()
                    ),
                    None,
                );
            }
        }
        self.record(def.fields.iter(), &format!("`{name}`"));
        let record_wires: BTreeSet<&str> =
            def.full_record(service).map(|f| f.wire.as_str()).collect();
        for joined in &def.list.joined {
            if record_wires.contains(joined.wire.as_str()) {
                self.error(
                    joined.wire.span(),
                    format!(
                        "joined field `{}` is already a field of the record",
                        joined.wire.as_str()
                    ),
                    Some("mark the record field instead".into()),
                );
            }
            if joined.required {
                self.error(
                    joined.wire.span(),
                    format!(
                        "joined field `{}` is display-only; it cannot be required",
                        joined.wire.as_str()
                    ),
                    None,
                );
            }
        }
        // The list record: joined fields come last, so a Rust-name clash found at one of them
        // is new (clashes among record fields were reported above).
        let listed: Vec<&Field> = def.list_record(service).collect();
        let mut rusts: BTreeMap<String, &str> = BTreeMap::new();
        let joined_from = listed.len() - def.list.joined.len();
        for (i, f) in listed.iter().enumerate() {
            if i >= joined_from {
                self.field(f);
            }
            let Ok(ident) = names::snake_ident(f.rust_source_name()) else {
                continue;
            };
            let key = ident.to_string().trim_start_matches("r#").to_owned();
            if let Some(first) = rusts.insert(key.clone(), f.wire.as_str())
                && i >= joined_from
                && first != f.wire.as_str()
            {
                self.error(
                    f.wire.span(),
                    format!(
                        "joined field `{}` and field `{first}` both become `{key}` in Rust",
                        f.wire.as_str()
                    ),
                    Some("give one of them a `rust:` name".into()),
                );
            }
        }
        let wires: BTreeSet<&str> = listed.iter().map(|f| f.wire.as_str()).collect();

        // Filters: every query name once, each naming a field of the full or list record.
        let all_fields: Vec<&Field> = def
            .full_record(service)
            .chain(def.list.joined.iter())
            .collect();
        let field_names: Vec<&str> = all_fields.iter().map(|f| f.wire.as_str()).collect();
        let mut queries = BTreeSet::new();
        for reserved in [
            &service.paging.page.query,
            &service.paging.size.query,
            &service.paging.order_by.query,
            &service.paging.direction.query,
        ] {
            queries.insert(reserved.to_ascii_lowercase());
        }
        if let Some(q) = def
            .endpoints
            .find_by_ids
            .as_ref()
            .and_then(|e| e.query.as_ref())
        {
            self.query_name(q, &mut queries);
        }
        let mut variants: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        for filter in &def.filters {
            self.query_name(&filter.query, &mut queries);
            self.docs(&filter.docs, &format!("filter `{}`", filter.query.as_str()));
            self.sources(&filter.sources);
            match all_fields
                .iter()
                .find(|f| f.wire.as_str() == filter.field.as_str())
            {
                None => self.unknown_field(&filter.field, "filter", &field_names),
                Some(f) if matches!(*f.ty, TypeExpr::Json) => self.error(
                    filter.field.span(),
                    format!(
                        "filter `{}` is on JSON field `{}`, which has no value to compare",
                        filter.query.as_str(),
                        f.wire.as_str()
                    ),
                    None,
                ),
                Some(_) => {}
            }
            self.variant(
                filter.variant_source(name),
                filter.rust.as_ref().unwrap_or(&filter.query),
                &mut variants,
            );
        }
        for range in &def.range_filters {
            self.query_name(&range.from, &mut queries);
            self.query_name(&range.to, &mut queries);
            self.docs(
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
            match all_fields
                .iter()
                .find(|f| f.wire.as_str() == range.field.as_str())
            {
                None => self.unknown_field(&range.field, "range filter", &field_names),
                // An unparsed type is reported at the field already.
                Some(f) if matches!(*f.ty, TypeExpr::Invalid { .. }) => {}
                Some(f) if !f.ty.has_range() => self.error(
                    range.field.span(),
                    format!(
                        "range filter on `{}`, whose type `{}` has no range",
                        f.wire.as_str(),
                        *f.ty
                    ),
                    Some("range filters take integer, money or datetime fields".into()),
                ),
                Some(_) => {}
            }
            for v in range.variant_sources() {
                self.variant(&v, &range.field, &mut variants);
            }
        }

        // Sorting: fields of the list record, each once.
        let listed_names: Vec<&str> = listed.iter().map(|f| f.wire.as_str()).collect();
        let mut sorted = BTreeSet::new();
        let mut sort_variants: BTreeMap<String, &str> = BTreeMap::new();
        for sort in &def.sort {
            if !wires.contains(sort.as_str()) {
                self.unknown_field(sort, "sort field", &listed_names);
            } else if let Some(f) = listed.iter().find(|f| f.wire.as_str() == sort.as_str())
                && matches!(*f.ty, TypeExpr::Json | TypeExpr::Ids(_))
            {
                self.error(
                    sort.span(),
                    format!(
                        "`{}` is a {} field and cannot order a list",
                        sort.as_str(),
                        *f.ty
                    ),
                    None,
                );
            }
            // A field listed twice is reported as such, below, not as a variant clash.
            if let Some(f) = listed
                .iter()
                .find(|f| f.wire.as_str() == sort.as_str())
                .filter(|_| !sorted.contains(sort.as_str()))
            {
                match names::camel_ident(f.rust_source_name()) {
                    Err(names::NameError(why)) => self.error(
                        sort.span(),
                        format!("sort field cannot become an enum variant: {why}"),
                        None,
                    ),
                    Ok(variant) => {
                        if let Some(other) =
                            sort_variants.insert(variant.to_string(), sort.as_str())
                        {
                            self.error(sort.span(), format!("sort fields `{other}` and `{}` both become the variant `{variant}`", sort.as_str()), Some("give one of the fields a `rust:` name".into()));
                        }
                    }
                }
            }
            if !sorted.insert(sort.as_str()) {
                self.error(
                    sort.span(),
                    format!("sort field `{}` is listed twice", sort.as_str()),
                    None,
                );
            }
        }

        // Endpoints.
        let area_prefix = format!("/api/{}/", entity.area);
        for (kind, ep) in def.endpoints.iter() {
            let key = kind.key();
            if *ep.method != kind.method() {
                self.error(
                    ep.method.span(),
                    format!(
                        "a `{key}` endpoint is {}, not {}",
                        kind.method().as_str(),
                        ep.method.as_str()
                    ),
                    None,
                );
            }
            if *ep.body != kind.body() {
                self.error(
                    ep.body.span(),
                    format!("a `{key}` endpoint sends body `{}`", kind.body().as_str()),
                    None,
                );
            }
            if *ep.answer != kind.answer() {
                self.error(
                    ep.answer.span(),
                    format!("a `{key}` endpoint answers `{}`", kind.answer().as_str()),
                    None,
                );
            }
            if !ep.path.starts_with(&area_prefix) {
                self.error(ep.path.span(), format!("path `{}` is outside the entity's area `{area_prefix}`", ep.path.as_str()), Some(format!("move the file to the area folder of its path, or start the path with `{area_prefix}`")));
            }
            // Only get and delete fill a placeholder, and only the trailing `{Id}`.
            let placeholders = ep.path.matches('{').count();
            if kind.has_id_in_path() && !ep.path.ends_with("/{Id}") {
                self.error(
                    ep.path.span(),
                    format!("a `{key}` path ends with `/{{Id}}`"),
                    None,
                );
            } else if placeholders > usize::from(kind.has_id_in_path()) {
                self.error(
                    ep.path.span(),
                    format!(
                        "path `{}` has a placeholder a `{key}` endpoint does not fill",
                        ep.path.as_str()
                    ),
                    None,
                );
            }
            if ep
                .path
                .chars()
                .any(|c| c.is_whitespace() || c == '?' || c == '#')
            {
                self.error(
                    ep.path.span(),
                    format!(
                        "path `{}` must not contain spaces, `?` or `#`",
                        ep.path.as_str()
                    ),
                    None,
                );
            }
            self.role(&ep.role, name);
            match (kind, &ep.query) {
                (EndpointKind::FindByIds, None) => self.error(
                    ep.path.span(),
                    "a `find_by_ids` endpoint needs the `query:` that takes the id list",
                    None,
                ),
                (EndpointKind::FindByIds, Some(_)) | (_, None) => {}
                (_, Some(q)) => self.error(
                    q.span(),
                    format!("only `find_by_ids` takes `query:`, not `{key}`"),
                    None,
                ),
            }
            self.docs(&ep.docs, &format!("endpoint `{key}`"));
            self.sources(&ep.sources);
        }
        if def.endpoints.iter().next().is_none() {
            self.error(
                def.entity.span(),
                format!("entity `{name}` has no endpoints"),
                None,
            );
        }

        let mut keys = BTreeSet::new();
        for command in &def.commands {
            if command.key.trim().is_empty() || !keys.insert(command.key.as_str()) {
                self.error(
                    command.key.span(),
                    format!(
                        "command key `{}` is empty or repeated",
                        command.key.as_str()
                    ),
                    None,
                );
            }
            if let Err(names::NameError(why)) = names::const_ident(&command.key) {
                self.error(command.key.span(), why, None);
            }
            self.docs(
                &command.docs,
                &format!("command `{}`", command.key.as_str()),
            );
            self.sources(&command.sources);
        }
    }

    fn variant<'s>(
        &mut self,
        source: &str,
        at: &'s Spanned<String>,
        seen: &mut BTreeMap<String, &'s Spanned<String>>,
    ) {
        match names::camel_ident(source) {
            Err(names::NameError(why)) => self.error(
                at.span(),
                format!("filter cannot become an enum variant: {why}"),
                Some("add `rust: SomeName`".into()),
            ),
            Ok(ident) => {
                let key = ident.to_string();
                if let Some(first) = seen.insert(key.clone(), at) {
                    let at_first = line_of(first.span());
                    self.error(
                        at.span(),
                        format!("two filters become the variant `{key}` (the other is{at_first})"),
                        Some("give one a `rust:` name".into()),
                    );
                }
            }
        }
    }

    fn unknown_field(&mut self, name: &Spanned<String>, what: &str, candidates: &[&str]) {
        let help = did_you_mean(name, candidates.iter().copied());
        self.error(
            name.span(),
            format!(
                "{what} names `{}`, which is no field of this entity",
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
            self.error(
                role.span(),
                format!("role `{}` is for `{who}`, not `{entity}`", role.as_str()),
                Some(format!("did you mean `{entity}-{action}`?")),
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
}
