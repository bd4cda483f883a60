//! The full record (what GET one answers) and the list record (what GET list answers).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::Names;
use crate::emit::{docs, rust_types};
use crate::spec::{EndpointKind, Entity, Field, Service};

pub fn emit(service: &Service, entity: &Entity, names: &Names) -> TokenStream {
    let def = &entity.def;
    let area = &entity.area;
    let name = def.entity.as_str();
    let get = def
        .endpoints
        .get(EndpointKind::Get)
        .map(|e| format!(" `GET {}` answers it.", e.path.as_str()));
    let record_doc = docs::paragraphs([
        &docs::spec(&def.docs),
        &format!(
            "The full record.{} Make an update from it with [`{}::to_update`]: fields this client \
             does not know are kept in `extra` and sent back, so an update never clears them.",
            get.unwrap_or_default(),
            names.record
        ),
    ]);
    let list_doc = docs::paragraphs([
        format!("A `{name}` as list endpoints answer it: a summary, not the full record."),
        def.list
            .docs
            .as_deref()
            .map(|d| docs::spec(d))
            .unwrap_or_default(),
        format!(
            "There is deliberately no way to turn it into a [`{update}`]: fetch the full record \
             with `get` first. This does not compile:\n\n```compile_fail\n\
             fn update_from_summary(item: nexudus::{area}::{module}::{list_item}) {{\n    \
             let _ = nexudus::{area}::{module}::{update}::from(item);\n}}\n```",
            update = names.update_body,
            list_item = names.list_item,
            module = names.module,
        ),
    ]);
    let record = record_struct(
        names,
        &names.record,
        &record_doc,
        def.full_record(service).map(|f| (f, f.is_nullable())),
    );
    let list_item = record_struct(
        names,
        &names.list_item,
        &list_doc,
        def.list_record(service)
            .map(|f| (f, f.is_nullable_in_list())),
    );
    quote! {
        #record
        #list_item
    }
}

/// A record struct of `(field, nullable)` pairs, plus the map of properties it does not
/// know, and its `Deserialize` impl: one line per field through the runtime's
/// `wire::Fields`, far cheaper to compile than a derive with `flatten`.
fn record_struct<'a>(
    names: &Names,
    ident: &Ident,
    doc: &str,
    fields: impl Iterator<Item = (&'a Field, bool)> + Clone,
) -> TokenStream {
    let doc = docs::outer(doc);
    let definitions = fields.clone().map(|(f, nullable)| {
        let doc = names.docs(f);
        let name = names.field(f);
        let ty = rust_types::field_type(f, nullable);
        quote! {
            #doc
            pub #name: #ty,
        }
    });
    let reads = fields.map(|(f, nullable)| {
        let name = names.field(f);
        let wire = f.wire.as_str();
        let take = if nullable {
            quote!(optional)
        } else {
            quote!(required)
        };
        quote!(#name: fields.#take(#wire)?,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ident {
            #(#definitions)*
            /// Properties the spec does not describe, kept as the API sent them.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut fields = crate::wire::Fields::read(deserializer)?;
                Ok(Self {
                    #(#reads)*
                    extra: fields.rest(),
                })
            }
        }
    }
}
