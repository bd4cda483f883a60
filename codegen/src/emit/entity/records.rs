//! The full record (what GET one answers) and the list record (what GET list answers).

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs;
use crate::emit::rust_types;
use crate::model::{EndpointKind, Entity, Field};
use crate::names::RustIdent;

pub fn emit(entity: &Entity) -> TokenStream {
    let names = &entity.names;
    let get = entity
        .endpoint(EndpointKind::Get)
        .map(|e| format!(" `GET {}` answers it.", e.path));
    let to_update = if entity.has(EndpointKind::Update) {
        format!(
            " Make an update from it with [`{}::to_update`]: fields this client does not know \
             are kept in `extra` and sent back, so an update never clears them.",
            names.record
        )
    } else {
        " Fields this client does not know are kept in `extra`.".to_owned()
    };
    let record_doc = docs::paragraphs([
        docs::spec(&entity.docs),
        format!("The full record.{}{to_update}", get.unwrap_or_default()),
    ]);
    let record = record_struct(
        &names.record,
        &record_doc,
        entity
            .record_fields()
            .map(|f| (f, f.optional_in_record(), FieldDocs::Own)),
    );
    if !entity.has_list_records() {
        return record;
    }
    let conversion = if entity.has(EndpointKind::Update) {
        format!(
            "There is deliberately no way to turn it into a [`{update}`]: fetch the full record \
             with `get` first. This does not compile:\n\n```compile_fail\n\
             fn update_from_summary(item: nexudus::{area}::{module}::{list_item}) {{\n    \
             let _ = nexudus::{area}::{module}::{update}::from(item);\n}}\n```",
            update = names.update_body,
            list_item = names.list_item,
            module = names.module,
            area = entity.area,
        )
    } else {
        String::new()
    };
    let list_doc = docs::paragraphs([
        format!(
            "A `{}` as list endpoints answer it: a summary, not the full record. Every field but \
             `Id` may be missing.",
            entity.name
        ),
        entity
            .list_docs
            .as_deref()
            .map(docs::spec)
            .unwrap_or_default(),
        conversion,
    ]);
    // List records are decoded leniently: their shape differs between the documents (002
    // and 003 name the same ids `CoworkerId` and `Coworker`), so only `Id` is required.
    let list_item = record_struct(
        &names.list_item,
        &list_doc,
        entity.list_fields().map(|f| {
            let link = if entity.joined.iter().any(|j| j.wire == f.wire) {
                FieldDocs::Own
            } else {
                FieldDocs::Link(&names.record)
            };
            (f, entity.optional_in_list(f), link)
        }),
    );
    quote! {
        #record
        #list_item
    }
}

/// Where a field's docs are: written here, or a link to the record's field.
#[derive(Clone, Copy)]
pub enum FieldDocs<'a> {
    Own,
    Link(&'a RustIdent),
}

impl FieldDocs<'_> {
    pub fn of(self, field: &Field) -> TokenStream {
        match self {
            FieldDocs::Own => docs::outer(&docs::field(field)),
            FieldDocs::Link(ty) => docs::outer(&format!(
                "`{}`: see [`{ty}::{}`].",
                field.wire,
                field.ident.as_str()
            )),
        }
    }
}

/// A record struct of `(field, optional, docs)`, plus the map of properties it does not
/// know, and its `Deserialize` impl: a visitor that reads each property straight into its
/// field (keys matched without allocating, unknown properties kept in `extra`), through the
/// runtime's `wire` helpers. It is what a derive would expand to without `flatten`, which
/// would buffer every property and compile to far more code.
fn record_struct<'a>(
    ident: &RustIdent,
    doc: &str,
    fields: impl Iterator<Item = (&'a Field, bool, FieldDocs<'a>)> + Clone,
) -> TokenStream {
    let doc = docs::outer(doc);
    let definitions = fields.clone().map(|(f, optional, field_docs)| {
        let doc = field_docs.of(f);
        let name = &f.ident;
        let ty = rust_types::field_type(f, optional);
        quote! {
            #doc
            pub #name: #ty,
        }
    });
    // Each field's value while the map is read, in a local prefixed `v_` so that no field
    // name (`map`, `key`, `extra`) can take the name of another local.
    let slot = |f: &Field| f.ident.prefixed("v_");
    let slots = fields.clone().map(|(f, ..)| {
        let slot = slot(f);
        quote!(let mut #slot = None;)
    });
    let arms = fields.clone().map(|(f, ..)| {
        let (slot, wire) = (slot(f), f.wire.as_str());
        if f.ty.is_decimal() {
            quote!(#wire => #slot = crate::wire::decimal(&mut map)?,)
        } else {
            quote!(#wire => #slot = map.next_value()?,)
        }
    });
    let inits = fields.map(|(f, optional, _)| {
        let (name, slot, wire) = (&f.ident, slot(f), f.wire.as_str());
        if optional {
            quote!(#name: #slot,)
        } else {
            quote!(#name: crate::wire::required(#slot, #wire)?,)
        }
    });
    let expecting = format!("a `{ident}` record");
    // `non_exhaustive`: records come from the API, never from a struct literal, so a field
    // the spec adds is not a breaking change (the visitor below builds them in this crate).
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #ident {
            #(#definitions)*
            /// Properties the spec does not describe, kept as the API sent them.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        // `__Visitor`, `__D` and `__A` cannot be the name of an entity (UpperCamelCase letters
        // and digits), which the impl names.
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                struct __Visitor;

                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #ident;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#ident, __A::Error> {
                        #(#slots)*
                        let mut extra = ::serde_json::Map::new();
                        while let Some(key) = map.next_key::<crate::wire::Key<'de>>()? {
                            match &*key {
                                #(#arms)*
                                _ => crate::wire::keep(&mut extra, key, &mut map)?,
                            }
                        }
                        Ok(#ident {
                            #(#inits)*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
