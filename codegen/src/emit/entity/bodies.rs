//! The create body (required fields are constructor arguments) and the update body (made
//! only from a full record, so it carries every writable field and the unknown ones).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Names;
use crate::emit::{docs, rust_types};
use crate::spec::{EndpointKind, EntityDef, Field, ID_FIELD, Service};

pub fn emit(service: &Service, def: &EntityDef, names: &Names) -> TokenStream {
    let mut out = TokenStream::new();
    if def.endpoints.get(EndpointKind::Create).is_some() {
        out.extend(create_body(service, def, names));
    }
    if def.endpoints.get(EndpointKind::Update).is_some() {
        out.extend(update_body(service, def, names));
    }
    out
}

fn writable<'a>(
    service: &'a Service,
    def: &'a EntityDef,
) -> impl Iterator<Item = &'a Field> + Clone {
    def.full_record(service).filter(|f| !f.read_only)
}

fn create_body(service: &Service, def: &EntityDef, names: &Names) -> TokenStream {
    let Names {
        new_body, record, ..
    } = names;
    let fields = writable(service, def);
    let required: Vec<&Field> = fields.clone().filter(|f| f.required).collect();
    let optional: Vec<&Field> = fields.clone().filter(|f| !f.required).collect();

    let doc = docs::outer(&format!(
        "The body that creates a [`{record}`]. Required fields are the arguments of [`{new_body}::new`], \
         so a body without one does not compile; set optional fields with the `with_` methods. \
         Unset optional fields are not sent, and read-only fields cannot be set at all."
    ));
    let field_defs = fields.clone().map(|f| {
        let doc = names.docs(f);
        let name = names.field(f);
        let ty = rust_types::value_type(&f.ty);
        let ty = if f.required { ty } else { quote!(Option<#ty>) };
        quote!(#doc pub #name: #ty,)
    });
    // Unset optional fields are not sent: the API then keeps its defaults.
    let writes = fields
        .clone()
        .map(|f| rust_types::write_field(f, names.field(f), !f.required, true));
    let params = required.iter().map(|f| {
        let name = names.field(f);
        let (ty, _) = rust_types::setter_param(&f.ty);
        quote!(#name: #ty)
    });
    let inits = fields.clone().map(|f| {
        let name = names.field(f);
        match (f.required, rust_types::setter_param(&f.ty).1) {
            (true, true) => quote!(#name: #name.into()),
            (true, false) => quote!(#name),
            (false, _) => quote!(#name: None),
        }
    });
    let setters = optional.iter().map(|f| {
        let name = names.field(f);
        let setter = format_ident!("with_{}", name.to_string().trim_start_matches("r#"));
        let (ty, into) = rust_types::setter_param(&f.ty);
        let value = if into {
            quote!(value.into())
        } else {
            quote!(value)
        };
        // A link, not a copy: the field's own docs say what it is.
        let doc = docs::outer(&format!(
            "Sets [`{}`](Self::{}).",
            f.wire.as_str(),
            name.to_string().trim_start_matches("r#")
        ));
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
    let new_doc = docs::outer(&format!(
        "A body with the required fields set ({}) and no optional one.",
        required
            .iter()
            .map(|f| format!("`{}`", f.wire.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #new_body {
            #(#field_defs)*
        }

        impl ::serde::Serialize for #new_body {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = crate::wire::Object::start(serializer)?;
                #(#writes)*
                object.end()
            }
        }

        impl #new_body {
            #new_doc
            #allow_many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    }
}

fn update_body(service: &Service, def: &EntityDef, names: &Names) -> TokenStream {
    let Names {
        update_body,
        record,
        list_item,
        ..
    } = names;
    let id_field = service
        .base_fields
        .iter()
        .find(|f| f.wire.as_str() == ID_FIELD);
    let id_ident = id_field
        .map(|f| names.field(f).clone())
        .unwrap_or_else(|| format_ident!("id"));
    let doc = docs::outer(&docs::paragraphs([
        format!(
            "The body that updates a [`{record}`]. The API's PUT clears every property it does not \
             receive, so this body can only be made from a full record ([`{record}::to_update`] or \
             `From<{record}>`): it carries every writable field as read, the record's `Id`, and the \
             properties this client does not know (`extra`). Change the public fields, then send it."
        ),
        format!("A [`{list_item}`] cannot become one: list records leave fields out."),
    ]));
    let writable: Vec<&Field> = writable(service, def).collect();
    let field_defs = writable.iter().map(|f| {
        let doc = names.docs(f);
        let name = names.field(f);
        let ty = rust_types::field_type(f, f.is_nullable());
        quote!(#doc pub #name: #ty,)
    });
    // Sent even when `None`: null clears exactly what the record had as null.
    let writes = writable
        .iter()
        .map(|f| rust_types::write_field(f, names.field(f), f.is_nullable(), false));
    let copies = writable.iter().map(|f| {
        let name = names.field(f);
        quote!(#name: record.#name,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #update_body {
            /// The record to update; fixed by the record the body was made from.
            #id_ident: i64,
            #(#field_defs)*
            /// Properties the spec does not describe, sent back as they were read.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl ::serde::Serialize for #update_body {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = crate::wire::Object::start(serializer)?;
                object.field(#ID_FIELD, &self.#id_ident)?;
                #(#writes)*
                object.end_with(&self.extra)
            }
        }

        impl #update_body {
            /// The `Id` of the record this body updates.
            pub fn id(&self) -> i64 {
                self.#id_ident
            }
        }

        impl From<#record> for #update_body {
            fn from(record: #record) -> Self {
                Self {
                    #id_ident: record.#id_ident,
                    #(#copies)*
                    extra: record.extra,
                }
            }
        }

        impl #record {
            /// An update body holding this record's writable fields and unknown properties.
            pub fn to_update(&self) -> #update_body {
                #update_body::from(self.clone())
            }
        }
    }
}
