//! The list query: the filter enum (filters and range filters, each one query parameter),
//! the sort-field enum, and the query type that combines them with paging.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs;
use crate::emit::rust_types;
use crate::model::{EndpointKind, Entity, Type};
use crate::names::RustIdent;

pub fn emit(entity: &Entity) -> TokenStream {
    if !entity.has(EndpointKind::List) {
        return TokenStream::new();
    }
    let names = &entity.names;
    let (filter, sort, query, list_item) =
        (&names.filter, &names.sort, &names.query, &names.list_item);
    let name = &entity.name;

    // (variant, value type, query name, docs) for every filter and both ends of every range.
    let mut variants: Vec<(&RustIdent, &Type, &str, String)> = Vec::new();
    for f in &entity.filters {
        let doc = docs::paragraphs([
            docs::spec(&f.docs),
            format!("Query: `{}={}`.", f.query, example(&f.ty)),
        ]);
        variants.push((&f.variant, &f.ty, &f.query, doc));
    }
    for r in &entity.range_filters {
        for (variant, query, bound) in [
            (&r.from_variant, &r.from, "at least"),
            (&r.to_variant, &r.to, "at most"),
        ] {
            let doc = docs::paragraphs([
                docs::spec(&r.docs),
                format!(
                    "`{}` {bound} this value. Query: `{query}={}`.",
                    r.field,
                    example(&r.ty)
                ),
            ]);
            variants.push((variant, &r.ty, query, doc));
        }
    }
    let variant_defs = variants.iter().map(|(ident, ty, _, doc)| {
        let ty = rust_types::value_type(ty);
        let doc = docs::outer(doc);
        quote!(#doc #ident(#ty),)
    });
    let arms = variants.iter().map(|(ident, ty, query, _)| {
        let value = rust_types::filter_value(ty, &quote!(value));
        quote!(Self::#ident(value) => (#query, #value),)
    });
    let filter_doc = docs::outer(&format!(
        "A filter of the `{name}` list: each variant is one query parameter, spelled as the API \
         spells it. Add several to a [`{query}`] with `filter`; the API combines them with AND."
    ));
    // An empty enum's `match` must dereference: `match *self {}`.
    let scrutinee = if variants.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };
    // `non_exhaustive` on both enums: a filter or sort field the spec adds is then not a
    // breaking change (a `match` outside the crate needs a wildcard arm).
    let filter_enum = quote! {
        #filter_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #filter {
            #(#variant_defs)*
        }

        impl crate::QueryFilter for #filter {
            fn query_pair(&self) -> (&'static str, String) {
                match #scrutinee {
                    #(#arms)*
                }
            }
        }
    };

    let sort_variants = entity.sort.iter().map(|s| {
        let doc = docs::outer(&format!(
            "`{}`: {}",
            s.wire,
            docs::first_sentence(&docs::spec(&s.docs))
        ));
        let variant = &s.variant;
        quote!(#doc #variant,)
    });
    let sort_arms = entity.sort.iter().map(|s| {
        let (variant, wire) = (&s.variant, &s.wire);
        quote!(Self::#variant => #wire,)
    });
    // A unit-only enum can be cast with `as`, and a sort field the spec adds in the middle
    // shifts the later variants' discriminants: say they are not part of the API.
    let sort_doc = docs::outer(&format!(
        "A field the `{name}` list can be ordered by. The variants follow the spec's order, \
         which a new field may change: their discriminants (`as` casts) are not part of the API."
    ));
    let scrutinee = if entity.sort.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };
    let sort_enum = quote! {
        #sort_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #sort {
            #(#sort_variants)*
        }

        impl crate::SortField for #sort {
            fn wire_name(&self) -> &'static str {
                match #scrutinee {
                    #(#sort_arms)*
                }
            }
        }
    };
    let query_doc = docs::outer(&format!(
        "A query of the `{name}` list: page, page size, order and [`{filter}`]s. It answers [`{list_item}`]s."
    ));
    quote! {
        #filter_enum
        #sort_enum
        #query_doc
        pub type #query = crate::ListQuery<#filter, #sort>;
    }
}

/// A value as it appears in the documents' query examples.
fn example(ty: &Type) -> String {
    match ty {
        Type::Id(_) | Type::Ids(_) | Type::Integer => "12".into(),
        Type::Decimal | Type::Money => "10.5".into(),
        Type::Boolean => "true".into(),
        Type::DateTime => "2025-01-01T00:00".into(),
        Type::Guid => "a1b2c3d4-e5f6-7890-abcd-ef1234567890".into(),
        Type::Enum(e) => e
            .values
            .first()
            .map_or_else(|| "1".to_owned(), |v| v.value.to_string()),
        Type::String | Type::Json => "text".into(),
        // Never filtered: children are not in answers.
        Type::Children(_) => "[]".into(),
    }
}
