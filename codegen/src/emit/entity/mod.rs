//! One entity's module: records, bodies, query enums and endpoints, each from its own emitter.

mod bodies;
mod endpoints;
mod query;
mod records;
mod schema;

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use crate::names;
use crate::spec::{Entity, EntityDef, Field, Service};

/// The Rust names of everything an entity's module defines.
pub struct Names {
    /// `coworker_discount_codes`: the module and the `Client` accessor.
    pub module: Ident,
    /// `CoworkerDiscountCode`: the full record.
    pub record: Ident,
    /// `CoworkerDiscountCodeListItem`: what list endpoints answer.
    pub list_item: Ident,
    /// `NewCoworkerDiscountCode`: the create body.
    pub new_body: Ident,
    /// `CoworkerDiscountCodeUpdate`: the update body.
    pub update_body: Ident,
    /// `CoworkerDiscountCodeFilter`.
    pub filter: Ident,
    /// `CoworkerDiscountCodeSort`.
    pub sort: Ident,
    /// `CoworkerDiscountCodeQuery`: the list query type.
    pub query: Ident,
    /// `CoworkerDiscountCodes`: the endpoint handle.
    pub api: Ident,
    /// Each field's identifier and docs by wire name, made once: every struct of the entity
    /// repeats them, and making them (case conversion, doc wrapping) was a tenth of the
    /// generation time.
    fields: HashMap<String, (Ident, TokenStream)>,
}

impl Names {
    /// Names of a validated entity (validation checked that each is an identifier).
    pub fn of(service: &Service, entity: &Entity) -> Names {
        let name = entity.def.entity.as_str();
        let module = names::entity_module(name).expect("validated entity name");
        let api = names::camel_ident(&module.to_string()).expect("validated entity name");
        Names {
            record: format_ident!("{name}"),
            list_item: format_ident!("{name}ListItem"),
            new_body: format_ident!("New{name}"),
            update_body: format_ident!("{name}Update"),
            filter: format_ident!("{name}Filter"),
            sort: format_ident!("{name}Sort"),
            query: format_ident!("{name}Query"),
            module,
            api,
            fields: entity
                .def
                .full_record(service)
                .chain(&entity.def.list.joined)
                .map(|f| (f.wire.to_string(), (field_ident(f), field_docs(f))))
                .collect(),
        }
    }

    /// A field's Rust identifier.
    pub fn field(&self, field: &Field) -> &Ident {
        &self.fields[field.wire.as_str()].0
    }

    /// A field's rustdoc.
    pub fn docs(&self, field: &Field) -> &TokenStream {
        &self.fields[field.wire.as_str()].1
    }
}

/// A field's Rust identifier (validated).
fn field_ident(field: &Field) -> Ident {
    names::snake_ident(field.rust_source_name()).expect("validated field name")
}

/// The field's docs, with its wire name, flags and sources, for rustdoc.
fn field_docs(field: &Field) -> TokenStream {
    let mut flags = vec![format!("`{}`", field.wire.as_str())];
    if field.required {
        flags.push("required on create".into());
    }
    if field.read_only {
        flags.push("read-only".into());
    }
    if field.api_only {
        flags.push("API-only".into());
    }
    docs::outer(&docs::paragraphs([
        &docs::spec(&field.docs),
        &format!("Wire: {}.", flags.join(", ")),
    ]))
}

/// The whole module file of one entity.
pub fn entity_rs(service: &Service, entity: &Entity, names: &Names) -> TokenStream {
    let def: &EntityDef = &entity.def;
    let endpoints_table = def
        .endpoints
        .iter()
        .map(|(kind, e)| {
            format!(
                "| `{}` | `{} {}` | `{}` |",
                kind.key(),
                e.method.as_str(),
                e.path.as_str(),
                e.role.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let module_doc = docs::inner(&docs::paragraphs([
        format!("`{}`: {}", def.entity.as_str(), docs::spec(&def.docs)),
        format!(
            // A full path: rustdoc resolves a file module's inner docs from its parent.
            "Call the endpoints through [`{api}`](crate::{area}::{module}::{api}), from \
             [`crate::Client::{module}`]. Each needs its role unless the user is a full \
             unrestricted administrator:",
            api = names.api,
            module = names.module,
            area = entity.area,
        ),
        format!("| endpoint | request | role |\n|---|---|---|\n{endpoints_table}"),
    ]));
    let records = records::emit(service, entity, names);
    let bodies = bodies::emit(service, def, names);
    let query = query::emit(service, def, names);
    let endpoints = endpoints::emit(def, names);
    let schema = schema::emit(service, entity);
    quote! {
        #module_doc

        #records
        #bodies
        #query
        #endpoints
        #schema
    }
}
