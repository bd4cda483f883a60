//! Inline child arrays (`children:`): resolved after every entity, since an element's
//! properties are fields of another entity. Each becomes a body-only field of its parent.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use marked_yaml::Spanned;

use super::Resolver;
use crate::model::{Child, Entity, Field, Type};
use crate::names;
use crate::spec::error::did_you_mean;
use crate::spec::raw::{self, RawSpec};

impl Resolver<'_> {
    /// Adds each entity's inline child arrays to its fields, as body-only fields.
    pub(super) fn children(&mut self, raw: &RawSpec, entities: &mut [Entity]) {
        let by_name: BTreeMap<String, usize> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        let declared: BTreeSet<&str> = raw.entities.iter().map(|e| e.def.entity.as_str()).collect();
        for raw_entity in &raw.entities {
            let def = &raw_entity.def;
            if def.children.is_empty() {
                continue;
            }
            // An entity that did not resolve is reported already; its children are not
            // checked against it.
            let Some(&parent) = by_name.get(def.entity.as_str()) else {
                continue;
            };
            let mut types: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
            let mut added = Vec::new();
            for child in &def.children {
                let Some(field) = self.child(
                    child,
                    &entities[parent],
                    &added,
                    &by_name,
                    &declared,
                    entities,
                ) else {
                    continue;
                };
                let Type::Children(element) = &field.ty else {
                    continue;
                };
                if let Some(first) = types.insert(element.rust.to_string(), &child.wire) {
                    self.error(
                        child.entity.span(),
                        format!(
                            "children `{}` and `{}` both hold `{}` records, and would share the type `{}`",
                            first.as_str(),
                            child.wire.as_str(),
                            element.entity,
                            element.rust
                        ),
                        None,
                    );
                    continue;
                }
                added.push(field);
            }
            entities[parent].fields.extend(added);
        }
    }

    fn child(
        &mut self,
        child: &raw::Child,
        parent: &Entity,
        added: &[Field],
        by_name: &BTreeMap<String, usize>,
        declared: &BTreeSet<&str>,
        entities: &[Entity],
    ) -> Option<Field> {
        let wire = child.wire.as_str();
        let what = format!("child array `{wire}`");
        let docs = self.docs(&child.docs, &what);
        self.sources(&child.sources);
        let (create, update) = self.write_targets(child.write.as_ref(), &what);
        if !create && !update {
            self.error(
                child.wire.span(),
                format!("{what} is written by no body"),
                Some("remove `write: []`: children exist only in bodies".into()),
            );
        }
        let ident = self.name(
            names::snake,
            child.rust_source(),
            &what,
            child.rust.is_none().then_some("add `rust: some_name`"),
        );
        let taken = parent.fields.iter().chain(&parent.joined).chain(added);
        for field in taken {
            if field.wire.eq_ignore_ascii_case(wire) {
                self.error(
                    child.wire.span(),
                    format!("{what} has the name of the field `{}`", field.wire),
                    None,
                );
                return None;
            }
            if ident.as_ref().is_some_and(|i| *i == field.ident) {
                self.error(
                    child.rust_source().span(),
                    format!(
                        "{what} and field `{}` both become `{}` in Rust",
                        field.wire, field.ident
                    ),
                    Some("give the child a `rust:` name".into()),
                );
                return None;
            }
        }

        let element_name = child.entity.as_str();
        let Some(&index) = by_name.get(element_name) else {
            // Declared but broken: reported with that entity already.
            if !declared.contains(element_name) {
                let help = did_you_mean(element_name, declared.iter().copied())
                    .or_else(|| Some("an element entity needs its own spec file".into()));
                self.error(
                    child.entity.span(),
                    format!("{what}: no entity `{element_name}` is in the spec"),
                    help,
                );
            }
            return None;
        };
        let element = &entities[index];
        let link = self.link(child, element, parent, &what)?;
        let candidates: Vec<&Field> = element
            .fields
            .iter()
            .filter(|f| f.read && !matches!(f.ty, Type::Children(_)))
            .chain(&element.joined)
            .collect();
        let mut properties = Vec::new();
        let mut seen = BTreeSet::new();
        for property in &child.properties {
            let name = property.as_str();
            if !seen.insert(name.to_ascii_lowercase()) {
                self.error(
                    property.span(),
                    format!("{what} lists the property `{name}` twice"),
                    None,
                );
                continue;
            }
            if name == link {
                self.error(
                    property.span(),
                    format!("{what}: `{name}` names the parent, which the parent's body gives"),
                    Some("remove it from `properties`".into()),
                );
                continue;
            }
            match candidates.iter().find(|f| f.wire == name) {
                Some(field) => {
                    let mut field = (*field).clone();
                    // Within the element every listed property is written, with the parent;
                    // joined display fields are never required, the element's own fields keep
                    // their rule on create.
                    field.required &= field.create;
                    (field.create, field.update, field.read) = (true, true, true);
                    field.nullable = !field.required;
                    field.in_list = true;
                    properties.push(field);
                }
                None => {
                    let names: Vec<&str> = candidates.iter().map(|f| f.wire.as_str()).collect();
                    let help = did_you_mean(name, names.iter().copied()).or_else(|| {
                        Some(format!("declare it as a field of `{element_name}` first"))
                    });
                    self.error(
                        property.span(),
                        format!("{what}: `{element_name}` has no field `{name}`"),
                        help,
                    );
                }
            }
        }
        if child.properties.is_empty() {
            self.error(
                child.wire.span(),
                format!("{what} lists no `properties`"),
                Some("list the element's writable properties".into()),
            );
        }
        if properties.len() != child.properties.len() {
            return None;
        }
        let rust = names::camel(element_name).ok()?.prefixed("Inline");
        let konst = names::shouty(child.rust_source())
            .ok()?
            .suffixed("_ELEMENT");
        Some(Field {
            wire: wire.to_owned(),
            ident: ident?,
            ty: Type::Children(Arc::new(Child {
                entity: element_name.to_owned(),
                rust,
                konst,
                link,
                properties,
            })),
            required: false,
            create,
            update,
            read: false,
            api_only: false,
            // As for every body-only field: answers never carry it.
            nullable: true,
            in_list: true,
            pii: None,
            flag: None,
            docs,
            decision: child.decision.as_ref().map(|d| d.to_string()),
        })
    }

    /// The element's field that names the parent: `link:`, else its one `id<Parent>` field.
    fn link(
        &mut self,
        child: &raw::Child,
        element: &Entity,
        parent: &Entity,
        what: &str,
    ) -> Option<String> {
        let names_parent =
            |f: &&Field| matches!(&f.ty, Type::Id(id) if id.entity == parent.name) && f.read;
        if let Some(link) = &child.link {
            return match element.fields.iter().find(|f| f.wire == link.as_str()) {
                Some(f) if names_parent(&f) => Some(f.wire.clone()),
                Some(f) => {
                    self.error(
                        link.span(),
                        format!(
                            "{what}: link `{}` is a `{}`, not an `id<{}>`",
                            f.wire,
                            f.ty.spec_name(),
                            parent.name
                        ),
                        None,
                    );
                    None
                }
                None => {
                    self.error(
                        link.span(),
                        format!(
                            "{what}: `{}` has no field `{}`",
                            element.name,
                            link.as_str()
                        ),
                        None,
                    );
                    None
                }
            };
        }
        let links: Vec<&Field> = element.fields.iter().filter(names_parent).collect();
        match links[..] {
            [one] => Some(one.wire.clone()),
            [] => {
                self.error(
                    child.entity.span(),
                    format!(
                        "{what}: `{}` has no `id<{}>` field to link its records to the parent",
                        element.name, parent.name
                    ),
                    Some(format!("add the field to `{}`", element.name)),
                );
                None
            }
            _ => {
                self.error(
                    child.entity.span(),
                    format!(
                        "{what}: `{}` has several `id<{}>` fields",
                        element.name, parent.name
                    ),
                    Some("say which names the parent with `link:`".into()),
                );
                None
            }
        }
    }
}
