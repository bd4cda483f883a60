//! Entities (each a module and a cargo feature), their endpoints (a method and a constant
//! each), the endpoints' roles and the command keys; then each kept entity's fields and
//! query.

use std::collections::BTreeMap;

use codegen::emit::features::entity_feature;
use codegen::model::{Api, Endpoint, EndpointKind, Entity, Operation};

use super::pairs::pair;
use super::{Changes, Kind, Section, fields, query, was_is};

pub fn compare(old: &Api, new: &Api, changes: &mut Changes) {
    let by_name = |api: &'_ Api| -> BTreeMap<String, usize> {
        api.entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect()
    };
    let (old_names, new_names) = (by_name(old), by_name(new));
    for (name, &i) in &old_names {
        let before = &old.entities[i];
        match new_names.get(name) {
            Some(&j) => compare_entity(before, &new.entities[j], changes),
            None => changes.push(
                Section::Entities,
                name,
                "",
                Kind::Removed,
                format!("removed (was in `{}`)", before.area),
                vec![format!(
                    "the module `{}` and the feature `{}` are gone",
                    module_path(before),
                    entity_feature(before)
                )],
            ),
        }
    }
    for (name, &j) in &new_names {
        if !old_names.contains_key(name) {
            let after = &new.entities[j];
            changes.push(
                Section::Entities,
                name,
                "",
                Kind::Added,
                format!(
                    "added in `{}` (`{}`): {} fields; {}",
                    after.area,
                    module_path(after),
                    after.record_fields().count(),
                    endpoint_list(after)
                ),
                Vec::new(),
            );
        }
    }
}

fn module_path(entity: &Entity) -> String {
    format!("nexudus::{}::{}", entity.area, entity.names.module)
}

fn endpoint_list(entity: &Entity) -> String {
    if entity.endpoints.is_empty() {
        return "no endpoint".to_owned();
    }
    let names: Vec<String> = entity.endpoints.iter().map(endpoint_name).collect();
    format!("endpoints {}", names.join(", "))
}

/// `list`, or `download Avatar`.
fn endpoint_name(endpoint: &Endpoint) -> String {
    match &endpoint.operation {
        Operation::Download { name, .. } => format!("download {name}"),
        _ => endpoint.kind().key().to_owned(),
    }
}

fn compare_entity(old: &Entity, new: &Entity, changes: &mut Changes) {
    let name = new.name.as_str();
    if old.area != new.area {
        changes.push(
            Section::Entities,
            name,
            "",
            Kind::Changed,
            was_is("area", format!("`{}`", old.area), format!("`{}`", new.area)),
            vec![format!(
                "its module moved from `{}` to `{}`",
                module_path(old),
                module_path(new)
            )],
        );
    }
    endpoints(old, new, changes);
    commands(old, new, changes);
    fields::compare(old, new, changes);
    query::compare(old, new, changes);
}

fn endpoints(old: &Entity, new: &Entity, changes: &mut Changes) {
    let name = new.name.as_str();
    let pairs = pair(&old.endpoints, &new.endpoints, &[endpoint_name]);
    for e in pairs.removed {
        let methods = methods(e, old);
        let mut breaks = vec![format!(
            "the constant `{}` and the method{} {} are gone",
            e.konst,
            if methods.len() > 1 { "s" } else { "" },
            methods
                .iter()
                .map(|m| format!("`{}::{m}`", old.names.api))
                .collect::<Vec<_>>()
                .join(", ")
        )];
        let gone: Vec<String> = types(old)
            .into_iter()
            .filter(|(ty, kinds)| {
                kinds.contains(&e.kind()) && !types(new).iter().any(|(t, _)| t == ty)
            })
            .map(|(ty, _)| format!("`{ty}`"))
            .collect();
        if !gone.is_empty() {
            breaks.push(format!(
                "{} {} gone",
                gone.join(", "),
                if gone.len() > 1 { "are" } else { "is" }
            ));
        }
        changes.push(
            Section::Endpoints,
            name,
            &endpoint_name(e),
            Kind::Removed,
            format!("removed (`{}`)", e.request()),
            breaks,
        );
    }
    for e in pairs.added {
        changes.push(
            Section::Endpoints,
            name,
            &endpoint_name(e),
            Kind::Added,
            format!("added: `{}`, role `{}`", e.request(), e.role),
            Vec::new(),
        );
    }
    for (before, after) in pairs.both {
        let subject = endpoint_name(after);
        // Paths and query names are the wire: the request changes, the Rust API does not.
        let mut what = Vec::new();
        if before.path != after.path {
            what.push(was_is(
                "path",
                format!("`{}`", before.path),
                format!("`{}`", after.path),
            ));
        }
        if let (Operation::FindByIds { query: q1 }, Operation::FindByIds { query: q2 }) =
            (&before.operation, &after.operation)
            && q1 != q2
        {
            what.push(was_is("ids query", format!("`{q1}`"), format!("`{q2}`")));
        }
        if !what.is_empty() {
            changes.push(
                Section::Endpoints,
                name,
                &subject,
                Kind::Changed,
                what.join("; "),
                Vec::new(),
            );
        }
        // The role is data (`Endpoint::role`, and what `Error::Forbidden` names).
        if before.role != after.role {
            changes.push(
                Section::Roles,
                name,
                &subject,
                Kind::Changed,
                was_is(
                    "role",
                    format!("`{}`", before.role),
                    format!("`{}`", after.role),
                ),
                Vec::new(),
            );
        }
    }
}

/// The types of an entity's module that endpoints bring, each with the kinds of endpoint
/// that bring it (as `codegen/src/emit/entity/` decides); the record is always there.
fn types(entity: &Entity) -> Vec<(String, Vec<EndpointKind>)> {
    use EndpointKind::{Create, FindByIds, List, Update};
    let names = &entity.names;
    let mut types = Vec::new();
    let mut add = |ty: String, kinds: &[EndpointKind]| {
        if kinds.iter().any(|k| entity.has(*k)) {
            types.push((ty, kinds.to_vec()));
        }
    };
    add(names.list_item.to_string(), &[List, FindByIds]);
    for ty in [&names.filter, &names.sort, &names.query] {
        add(ty.to_string(), &[List]);
    }
    add(names.new_body.to_string(), &[Create]);
    add(names.update_body.to_string(), &[Update]);
    add(format!("{}::to_update", names.record), &[Update]);
    for field in &entity.fields {
        if let codegen::model::Type::Children(child) = &field.ty {
            add(child.rust.to_string(), &[Create, Update]);
        }
    }
    types
}

/// The handle's methods that call `endpoint` (`modify` calls get and update).
fn methods(endpoint: &Endpoint, entity: &Entity) -> Vec<String> {
    let modify = entity.has(EndpointKind::Get) && entity.has(EndpointKind::Update);
    let mut names: Vec<String> = match &endpoint.operation {
        Operation::List => vec!["list".into(), "stream".into()],
        _ => vec![endpoint.handle_method()],
    };
    if modify && matches!(endpoint.operation, Operation::Get | Operation::Update) {
        names.push("modify".into());
    }
    names
}

fn commands(old: &Entity, new: &Entity, changes: &mut Changes) {
    let name = new.name.as_str();
    let pairs = pair(&old.commands, &new.commands, &[|c| c.key.clone()]);
    for c in pairs.removed {
        changes.push(
            Section::Commands,
            name,
            &c.key,
            Kind::Removed,
            "removed".to_owned(),
            vec![format!(
                "`{}::command_keys::{}` is gone",
                module_path(old),
                c.konst
            )],
        );
    }
    for c in pairs.added {
        changes.push(
            Section::Commands,
            name,
            &c.key,
            Kind::Added,
            format!("added (`command_keys::{}`)", c.konst),
            Vec::new(),
        );
    }
    for (before, after) in pairs.both {
        if before.konst != after.konst {
            changes.push(
                Section::Commands,
                name,
                &after.key,
                Kind::Changed,
                was_is(
                    "constant",
                    format!("`{}`", before.konst),
                    format!("`{}`", after.konst),
                ),
                vec![format!(
                    "`{}::command_keys::{}` is gone",
                    module_path(old),
                    before.konst
                )],
            );
        }
    }
}
