//! `SCHEMA`: the entity's spec as data (fields, filters, sort, endpoints), for the emulator
//! and for callers that inspect the API at run time.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs;
use crate::names;
use crate::spec::{EndpointKind, Entity, Field, Service, TypeExpr};

pub fn emit(service: &Service, entity: &Entity) -> TokenStream {
    let def = &entity.def;
    let name = def.entity.as_str();
    let area = entity.area.as_str();
    let fields = def.full_record(service).map(field);
    let joined = def.list.joined.iter().map(field);
    let filters = def.filters.iter().map(|f| {
        let (query, field) = (f.query.as_str(), f.field.as_str());
        quote!(crate::FilterSchema { query: #query, field: #field })
    });
    let ranges = def.range_filters.iter().map(|r| {
        let (from, to, field) = (r.from.as_str(), r.to.as_str(), r.field.as_str());
        quote!(crate::RangeFilterSchema { from: #from, to: #to, field: #field })
    });
    let sort = def.sort.iter().map(|s| s.as_str());
    let endpoints = def.endpoints.iter().map(|(kind, e)| {
        let konst = names::const_ident(kind.key()).expect("fixed endpoint kind");
        let kind_variant = names::camel_ident(kind.key()).expect("fixed endpoint kind");
        let ids_query = match (kind, &e.query) {
            (EndpointKind::FindByIds, Some(q)) => {
                let q = q.as_str();
                quote!(Some(#q))
            }
            _ => quote!(None),
        };
        quote!(crate::EndpointSchema { kind: crate::EndpointKind::#kind_variant, endpoint: #konst, ids_query: #ids_query })
    });
    let doc = docs::outer(&format!(
        "The `{name}` entity as data: what the spec says of its records, filters and endpoints."
    ));
    quote! {
        #doc
        pub const SCHEMA: crate::EntitySchema = crate::EntitySchema {
            name: #name,
            area: #area,
            fields: &[#(#fields),*],
            joined: &[#(#joined),*],
            filters: &[#(#filters),*],
            range_filters: &[#(#ranges),*],
            sort: &[#(#sort),*],
            endpoints: &[#(#endpoints),*],
        };
    }
}

fn field(f: &Field) -> TokenStream {
    let wire = f.wire.as_str();
    let kind = match &*f.ty {
        TypeExpr::Id(entity) => quote!(crate::FieldKind::Id(#entity)),
        TypeExpr::Ids(entity) => quote!(crate::FieldKind::Ids(#entity)),
        TypeExpr::Integer => quote!(crate::FieldKind::Integer),
        TypeExpr::Money => quote!(crate::FieldKind::Money),
        TypeExpr::Boolean => quote!(crate::FieldKind::Boolean),
        TypeExpr::String | TypeExpr::Invalid { .. } => quote!(crate::FieldKind::String),
        TypeExpr::DateTime => quote!(crate::FieldKind::DateTime),
        TypeExpr::Guid => quote!(crate::FieldKind::Guid),
        TypeExpr::Json => quote!(crate::FieldKind::Json),
    };
    // `new` is optional, writable, nullable and listed; only the differences are written.
    let mut flags = Vec::new();
    if f.required {
        flags.push(quote!(.required()));
    }
    if f.read_only {
        flags.push(quote!(.read_only()));
    }
    if f.api_only {
        flags.push(quote!(.api_only()));
    }
    if !f.is_nullable() && !f.required {
        flags.push(quote!(.not_null()));
    }
    if !f.in_list {
        flags.push(quote!(.not_in_list()));
    }
    quote!(crate::FieldSchema::new(#wire, #kind) #(#flags)*)
}
