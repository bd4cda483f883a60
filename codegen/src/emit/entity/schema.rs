//! `SCHEMA`: the entity's spec as data (fields, filters, sort, endpoints), for the emulator
//! and for callers that inspect the API at run time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs;
use crate::model::{EndpointKind, Entity, Field, Operation, Type};

pub fn emit(entity: &Entity) -> TokenStream {
    let name = &entity.name;
    let area = entity.area.as_str();
    let entity_docs = entity.docs.trim();
    let fields = entity.fields.iter().map(field);
    let joined = entity.joined.iter().map(field);
    // Each child array's element schema is a constant of its own, so `FieldKind::Children`
    // can borrow it for 'static.
    let children = entity.fields.iter().filter_map(|f| match &f.ty {
        Type::Children(child) => {
            let konst = &child.konst;
            let (element, link) = (&child.entity, &child.link);
            let properties = child.properties.iter().map(field);
            let doc = docs::outer(&format!("The elements of `{}`.", f.wire));
            Some(quote! {
                #doc
                pub const #konst: crate::ChildSchema = crate::ChildSchema {
                    entity: #element,
                    link: #link,
                    properties: &[#(#properties),*],
                };
            })
        }
        _ => None,
    });
    let filters = entity.filters.iter().map(|f| {
        let (query, field) = (&f.query, &f.field);
        quote!(crate::FilterSchema { query: #query, field: #field })
    });
    let ranges = entity.range_filters.iter().map(|r| {
        let (from, to, field) = (&r.from, &r.to, &r.field);
        quote!(crate::RangeFilterSchema { from: #from, to: #to, field: #field })
    });
    let sort = entity.sort.iter().map(|s| s.wire.as_str());
    let endpoints = entity.endpoints.iter().map(|e| {
        let konst = &e.konst;
        let kind = match e.kind() {
            EndpointKind::List => quote!(List),
            EndpointKind::FindByIds => quote!(FindByIds),
            EndpointKind::Get => quote!(Get),
            EndpointKind::Create => quote!(Create),
            EndpointKind::Update => quote!(Update),
            EndpointKind::Delete => quote!(Delete),
            EndpointKind::Commands => quote!(Commands),
            EndpointKind::RunCommand => quote!(RunCommand),
            EndpointKind::Download => quote!(Download),
        };
        let detail = match &e.operation {
            Operation::FindByIds { query } => quote!(Some(#query)),
            Operation::Download { name, .. } => quote!(Some(#name)),
            _ => quote!(None),
        };
        quote!(crate::EndpointSchema { kind: crate::EndpointKind::#kind, endpoint: #konst, detail: #detail })
    });
    let doc = docs::outer(&format!(
        "The `{name}` entity as data: what the spec says of its records, filters and endpoints."
    ));
    quote! {
        #(#children)*
        #doc
        pub const SCHEMA: crate::EntitySchema = crate::EntitySchema {
            name: #name,
            area: #area,
            docs: #entity_docs,
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
    let kind = match &f.ty {
        Type::Id(id) => {
            let entity = &id.entity;
            quote!(crate::FieldKind::Id(#entity))
        }
        Type::Ids(id) => {
            let entity = &id.entity;
            quote!(crate::FieldKind::Ids(#entity))
        }
        Type::Enum(e) => {
            let rust = &e.rust;
            quote!(crate::FieldKind::Enum(&crate::enums::#rust::SCHEMA))
        }
        Type::Integer => quote!(crate::FieldKind::Integer),
        Type::Decimal => quote!(crate::FieldKind::Decimal),
        Type::Money => quote!(crate::FieldKind::Money),
        Type::Boolean => quote!(crate::FieldKind::Boolean),
        Type::String => quote!(crate::FieldKind::String),
        Type::DateTime => quote!(crate::FieldKind::DateTime),
        Type::Guid => quote!(crate::FieldKind::Guid),
        Type::Json => quote!(crate::FieldKind::Json),
        Type::Children(child) => {
            let konst = &child.konst;
            quote!(crate::FieldKind::Children(&#konst))
        }
    };
    // `new` is optional, written on create and update, read, nullable and listed; only the
    // differences are written (`required` also makes it not nullable).
    let mut flags = Vec::new();
    if f.required {
        flags.push(quote!(.required()));
    }
    match (f.create, f.update) {
        (true, true) => {}
        (true, false) => flags.push(quote!(.create_only())),
        (false, true) => flags.push(quote!(.update_only())),
        (false, false) => flags.push(quote!(.read_only())),
    }
    if !f.read {
        flags.push(quote!(.body_only()));
    }
    if f.api_only {
        flags.push(quote!(.api_only()));
    }
    if !f.nullable && !f.required {
        flags.push(quote!(.not_null()));
    }
    if f.nullable && f.required {
        flags.push(quote!(.nullable()));
    }
    if !f.in_list {
        flags.push(quote!(.not_in_list()));
    }
    if let Some(pii) = f.pii {
        let variant = format_ident!("{}", pii.variant());
        flags.push(quote!(.pii(crate::Pii::#variant)));
    }
    if let Some(flag) = &f.flag {
        flags.push(quote!(.flag(#flag)));
    }
    quote!(crate::FieldSchema::new(#wire, #kind) #(#flags)*)
}
