//! The list query: the filter enum (filters and range filters, each one query parameter),
//! the sort-field enum, and the query type that combines them with paging.

use proc_macro2::TokenStream;
use quote::quote;

use super::Names;
use crate::emit::{docs, rust_types};
use crate::names;
use crate::spec::{EndpointKind, EntityDef, Service, TypeExpr};

pub fn emit(service: &Service, def: &EntityDef, names: &Names) -> TokenStream {
    if def.endpoints.get(EndpointKind::List).is_none() {
        return TokenStream::new();
    }
    let Names {
        filter,
        sort,
        query,
        list_item,
        ..
    } = names;
    let entity = def.entity.as_str();

    // (variant, value type, query name, docs) for every filter and both ends of every range.
    let mut variants = Vec::new();
    for f in &def.filters {
        let field = def
            .find_field(service, &f.field)
            .expect("validated filter field");
        let doc = docs::paragraphs([
            &docs::spec(&f.docs),
            &format!("Query: `{}={}`.", f.query.as_str(), example(&field.ty)),
        ]);
        variants.push((
            f.variant_source(entity).to_owned(),
            &*field.ty,
            f.query.as_str(),
            doc,
        ));
    }
    for r in &def.range_filters {
        let field = def
            .find_field(service, &r.field)
            .expect("validated range field");
        let [from, to] = r.variant_sources();
        for (variant, query, bound) in [
            (from, r.from.as_str(), "at least"),
            (to, r.to.as_str(), "at most"),
        ] {
            let doc = docs::paragraphs([
                &docs::spec(&r.docs),
                &format!(
                    "`{}` {bound} this value. Query: `{query}={}`.",
                    r.field.as_str(),
                    example(&field.ty)
                ),
            ]);
            variants.push((variant, &*field.ty, query, doc));
        }
    }
    let variant_defs = variants.iter().map(|(v, ty, _, doc)| {
        let ident = names::camel_ident(v).expect("validated variant");
        let ty = rust_types::value_type(ty);
        let doc = docs::outer(doc);
        quote!(#doc #ident(#ty),)
    });
    let arms = variants.iter().map(|(v, ty, query, _)| {
        let ident = names::camel_ident(v).expect("validated variant");
        let value = rust_types::filter_value(ty, &quote!(value));
        quote!(Self::#ident(value) => (#query, #value),)
    });
    let filter_doc = docs::outer(&format!(
        "A filter of the `{entity}` list: each variant is one query parameter, spelled as the API \
         spells it. Add several to a [`{query}`] with `filter`; the API combines them with AND."
    ));
    let filter_enum = if variants.is_empty() {
        quote! {
            #filter_doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #filter {}

            impl crate::QueryFilter for #filter {
                fn query_pair(&self) -> (&'static str, String) {
                    match *self {}
                }
            }
        }
    } else {
        quote! {
            #filter_doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #filter {
                #(#variant_defs)*
            }

            impl crate::QueryFilter for #filter {
                fn query_pair(&self) -> (&'static str, String) {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    };

    let sort_fields: Vec<_> = def
        .sort
        .iter()
        .map(|wire| {
            let field = def.find_field(service, wire).expect("validated sort field");
            (
                names::camel_ident(field.rust_source_name()).expect("validated sort field"),
                wire.as_str(),
                docs::spec(&field.docs),
            )
        })
        .collect();
    let sort_variants = sort_fields.iter().map(|(ident, wire, doc)| {
        let doc = docs::outer(&format!("`{wire}`: {}", docs::first_sentence(doc)));
        quote!(#doc #ident,)
    });
    let sort_arms = sort_fields
        .iter()
        .map(|(ident, wire, _)| quote!(Self::#ident => #wire,));
    let sort_doc = docs::outer(&format!("A field the `{entity}` list can be ordered by."));
    let sort_enum = if sort_fields.is_empty() {
        quote! {
            #sort_doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #sort {}

            impl crate::SortField for #sort {
                fn wire_name(&self) -> &'static str {
                    match *self {}
                }
            }
        }
    } else {
        quote! {
            #sort_doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #sort {
                #(#sort_variants)*
            }

            impl crate::SortField for #sort {
                fn wire_name(&self) -> &'static str {
                    match self {
                        #(#sort_arms)*
                    }
                }
            }
        }
    };
    let query_doc = docs::outer(&format!(
        "A query of the `{entity}` list: page, page size, order and [`{filter}`]s. It answers [`{list_item}`]s."
    ));
    quote! {
        #filter_enum
        #sort_enum
        #query_doc
        pub type #query = crate::ListQuery<#filter, #sort>;
    }
}

/// A value as it appears in the documents' query examples.
fn example(ty: &TypeExpr) -> &'static str {
    match ty {
        TypeExpr::Id(_) | TypeExpr::Integer => "12",
        TypeExpr::Ids(_) => "[1,2]",
        TypeExpr::Money => "10.5",
        TypeExpr::Boolean => "true",
        TypeExpr::DateTime => "2025-01-01T00:00",
        TypeExpr::Guid => "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        TypeExpr::String | TypeExpr::Json | TypeExpr::Invalid { .. } => "text",
    }
}
