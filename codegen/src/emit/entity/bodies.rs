//! The create body (required fields are constructor arguments) and the update body (made
//! only from a full record, so it carries every field it may write as it was read, and the
//! unknown ones). Each carries exactly the fields the spec lets it write.

use proc_macro2::TokenStream;
use quote::quote;

use super::records::FieldDocs;
use crate::docs;
use crate::emit::rust_types;
use crate::model::{Child, EndpointKind, Entity, Field, Type};
use crate::names::RustIdent;

pub fn emit(entity: &Entity) -> TokenStream {
    let mut out = TokenStream::new();
    let written = entity.has(EndpointKind::Create) || entity.has(EndpointKind::Update);
    for field in entity.fields.iter().filter(|_| written) {
        if let Type::Children(child) = &field.ty {
            out.extend(inline_child(entity, field, child));
        }
    }
    if entity.has(EndpointKind::Create) {
        out.extend(create_body(entity));
    }
    if entity.has(EndpointKind::Update) {
        out.extend(update_body(entity));
    }
    out
}

/// A field's docs in a body: a link to the record's field, or (for body-only fields) to
/// the create body's, or written here.
fn body_field_docs<'a>(entity: &'a Entity, field: &Field, in_update: bool) -> FieldDocs<'a> {
    if field.read {
        FieldDocs::Link(&entity.names.record)
    } else if in_update && field.create && entity.has(EndpointKind::Create) {
        FieldDocs::Link(&entity.names.new_body)
    } else {
        FieldDocs::Own
    }
}

fn create_body(entity: &Entity) -> TokenStream {
    let names = &entity.names;
    let (new_body, record) = (&names.new_body, &names.record);
    let doc = docs::outer(&format!(
        "The body that creates a [`{record}`]. Required fields are the arguments of [`{new_body}::new`], \
         so a body without one does not compile; set optional fields with the `with_` methods. \
         Unset optional fields are not sent, and fields the API does not take on create cannot be set."
    ));
    let fields: Vec<(&Field, TokenStream)> = entity
        .create_fields()
        .map(|f| (f, body_field_docs(entity, f, false).of(f)))
        .collect();
    constructed(new_body, doc, &fields)
}

/// The element type of an inline child array: the writable properties of a record of
/// another entity, built like a create body. The properties' docs are written here: the
/// element entity's module may not be compiled (it has its own feature).
fn inline_child(entity: &Entity, field: &Field, child: &Child) -> TokenStream {
    let doc = docs::outer(&docs::paragraphs([format!(
        "One element of `{wire}` in the bodies of `{parent}`: a `{element}` record, created \
             with the `{parent}` and linked to it by its `{link}`, which the API sets. Required \
             properties are the arguments of [`{rust}::new`]; set the others with the `with_` \
             methods.",
        wire = field.wire,
        parent = entity.name,
        element = child.entity,
        link = child.link,
        rust = child.rust,
    )]));
    let fields: Vec<(&Field, TokenStream)> = child
        .properties
        .iter()
        .map(|f| (f, FieldDocs::Own.of(f)))
        .collect();
    constructed(&child.rust, doc, &fields)
}

/// A body-like struct of `(field, docs)`: required fields are the arguments of `new`,
/// optional ones have `with_` setters and are sent only when set.
fn constructed(
    name: &RustIdent,
    doc: TokenStream,
    fields: &[(&Field, TokenStream)],
) -> TokenStream {
    let required: Vec<&Field> = fields
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| !f.optional_in_create())
        .collect();
    let optional: Vec<&Field> = fields
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| f.optional_in_create())
        .collect();
    let field_defs = fields.iter().map(|(f, doc)| {
        let name = &f.ident;
        let ty = rust_types::field_type(f, f.optional_in_create());
        quote!(#doc pub #name: #ty,)
    });
    // Unset optional fields are not sent: the API then keeps its defaults.
    let writes = fields
        .iter()
        .map(|(f, _)| rust_types::write_field(f, f.optional_in_create(), true));
    let params = required.iter().map(|f| {
        let name = &f.ident;
        let (ty, _) = rust_types::param(&f.ty, &quote!(#name));
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|(f, _)| {
        let name = &f.ident;
        if f.optional_in_create() {
            return quote!(#name: None);
        }
        match rust_types::param(&f.ty, &quote!(#name)) {
            (_, Some(value)) => quote!(#name: #value),
            (_, None) => quote!(#name),
        }
    });
    let setters = optional.iter().map(|f| {
        let name = &f.ident;
        let setter = rust_types::setter(f);
        let (ty, value) = rust_types::param(&f.ty, &quote!(value));
        let value = value.unwrap_or_else(|| quote!(value));
        // A link, not a copy: the field's own docs say what it is.
        let doc = docs::outer(&format!("Sets [`{}`](Self::{}).", f.wire, name.as_str()));
        quote! {
            #doc
            pub fn #setter(mut self, value: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    // Entities with many required fields take them all; that is the point of `new`.
    let allow_many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_doc = docs::outer(&if required.is_empty() {
        "A body with no field set.".to_owned()
    } else {
        format!(
            "A body with the required fields set ({}) and no optional one.",
            required
                .iter()
                .map(|f| format!("`{}`", f.wire))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    // A body without required fields also has `Default`, which clippy asks for.
    let default = required.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_defs)*
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = crate::wire::Object::start(serializer)?;
                #(#writes)*
                object.end()
            }
        }

        impl #name {
            #new_doc
            #allow_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }

        #default
    }
}

fn update_body(entity: &Entity) -> TokenStream {
    let names = &entity.names;
    let (update_body, record) = (&names.update_body, &names.record);
    let id_field = entity.id_field();
    let (id_ident, id_wire, id_type) = (&id_field.ident, &id_field.wire, &entity.id.rust);
    let list_note = if entity.has_list_records() {
        format!(
            "A [`{}`] cannot become one: list records leave fields out.",
            names.list_item
        )
    } else {
        String::new()
    };
    let body_only: Vec<&Field> = entity.update_fields().filter(|f| !f.read).collect();
    let body_only_note = if body_only.is_empty() {
        String::new()
    } else {
        format!(
            "{} only exist in bodies: they start unset and are sent only when set.",
            body_only
                .iter()
                .map(|f| format!("`{}`", f.wire))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let doc = docs::outer(&docs::paragraphs([
        format!(
            "The body that updates a [`{record}`]. The API's PUT clears every property it does not \
             receive, so this body can only be made from a full record ([`{record}::to_update`] or \
             `From<{record}>`): it carries every field the API lets an update write, as read, the \
             fields set on create only (sent back unchanged), the record's `Id`, and the \
             properties this client does not know (`extra`). Change the public fields, then send \
             it."
        ),
        body_only_note,
        list_note,
    ]));
    let fields: Vec<&Field> = entity.update_fields().collect();
    let kept: Vec<&Field> = entity.kept_by_update().collect();
    let kept_defs = kept.iter().map(|f| {
        let name = &f.ident;
        let ty = rust_types::field_type(f, f.nullable);
        let doc = docs::outer(&format!(
            "`{}`: set on create only; sent back as read (see [`{record}::{}`]).",
            f.wire,
            name.as_str()
        ));
        quote!(#doc #name: #ty,)
    });
    let kept_writes = kept
        .iter()
        .map(|f| rust_types::write_field(f, f.nullable, false));
    let kept_copies = kept.iter().map(|f| {
        let name = &f.ident;
        quote!(#name: record.#name,)
    });
    let field_defs = fields.iter().map(|f| {
        let doc = body_field_docs(entity, f, true).of(f);
        let name = &f.ident;
        let ty = rust_types::field_type(f, f.optional_in_update());
        quote!(#doc pub #name: #ty,)
    });
    // Record fields are sent even when `None`: null clears exactly what the record had as
    // null. Body-only fields are sent only when set.
    let writes = fields
        .iter()
        .map(|f| rust_types::write_field(f, f.optional_in_update(), !f.read));
    let copies = fields.iter().map(|f| {
        let name = &f.ident;
        if f.read {
            quote!(#name: record.#name,)
        } else {
            quote!(#name: None,)
        }
    });
    let modify_note = if entity.has(EndpointKind::Get) {
        format!(
            " [`{}::modify`] reads, changes and writes back in one call.",
            names.api
        )
    } else {
        String::new()
    };
    let to_update_doc = docs::outer(&format!(
        "An update body holding this record's writable fields and unknown properties.{modify_note}"
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #update_body {
            /// The record to update; fixed by the record the body was made from.
            #id_ident: crate::ids::#id_type,
            #(#kept_defs)*
            #(#field_defs)*
            /// Properties the spec does not describe, sent back as they were read.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl ::serde::Serialize for #update_body {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = crate::wire::Object::start(serializer)?;
                object.field(#id_wire, &self.#id_ident)?;
                #(#kept_writes)*
                #(#writes)*
                object.end_with(&self.extra)
            }
        }

        impl #update_body {
            /// The `Id` of the record this body updates.
            pub fn id(&self) -> crate::ids::#id_type {
                self.#id_ident
            }
        }

        impl From<#record> for #update_body {
            fn from(record: #record) -> Self {
                Self {
                    #id_ident: record.#id_ident,
                    #(#kept_copies)*
                    #(#copies)*
                    extra: record.extra,
                }
            }
        }

        impl #record {
            #to_update_doc
            pub fn to_update(&self) -> #update_body {
                #update_body::from(self.clone())
            }
        }
    }
}
