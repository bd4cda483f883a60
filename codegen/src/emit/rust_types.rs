//! How model types become Rust types, serde calls and filter values.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Field, Type};
use crate::names::RustIdent;

/// The Rust type of a value of `ty` (not wrapped in `Option`).
pub fn value_type(ty: &Type) -> TokenStream {
    match ty {
        Type::Integer => quote!(i64),
        Type::Decimal | Type::Money => quote!(crate::Decimal),
        Type::Boolean => quote!(bool),
        Type::String => quote!(String),
        Type::DateTime => quote!(crate::DateTime),
        Type::Guid => quote!(crate::Uuid),
        Type::Json => quote!(::serde_json::Value),
        Type::Id(id) => {
            let id = &id.rust;
            quote!(crate::ids::#id)
        }
        Type::Ids(id) => {
            let id = &id.rust;
            quote!(Vec<crate::ids::#id>)
        }
        Type::Enum(e) => {
            let e = &e.rust;
            quote!(crate::enums::#e)
        }
        // Defined in the parent's module, beside the bodies that carry it.
        Type::Children(child) => {
            let element = &child.rust;
            quote!(Vec<#element>)
        }
    }
}

/// `Option<T>` when `optional`, else `T`.
pub fn field_type(field: &Field, optional: bool) -> TokenStream {
    let ty = value_type(&field.ty);
    if optional { quote!(Option<#ty>) } else { ty }
}

/// The statement of a generated `Serialize` impl that writes `self.<field>` (of type
/// `Option<T>` when `optional`) into `object`: decimals as JSON numbers, and unset optional
/// fields left out when `skip_none`.
pub fn write_field(field: &Field, optional: bool, skip_none: bool) -> TokenStream {
    let wire = field.wire.as_str();
    let name = &field.ident;
    match (optional, skip_none, field.ty.is_decimal()) {
        (false, _, false) | (true, false, false) => quote!(object.field(#wire, &self.#name)?;),
        (false, _, true) => quote!(object.field(#wire, &crate::wire::Number(&self.#name))?;),
        (true, true, false) => quote!(object.field_if_set(#wire, &self.#name)?;),
        (true, true, true) => quote! {
            if let Some(value) = &self.#name {
                object.field(#wire, &crate::wire::Number(value))?;
            }
        },
        (true, false, true) => {
            quote!(object.field(#wire, &crate::wire::OptionalNumber(&self.#name))?;)
        }
    }
}

/// An expression turning `value` (a reference to a filter's value) into its query string.
pub fn filter_value(ty: &Type, value: &TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(#value.clone()),
        Type::DateTime => quote!(#value.to_filter_string(crate::SERVICE.filter_datetime_format)),
        Type::Enum(_) => quote!(#value.value().to_string()),
        _ => quote!(#value.to_string()),
    }
}

/// How a setter, constructor or endpoint method takes a value of `ty`: strings, typed ids
/// and enums as `impl Into<..>` (so `12` and `CoworkerId(12)` both do, but a `BusinessId`
/// does not), id lists as any iterable of such ids, the rest as they are. Answers the
/// parameter type and the expression that converts the parameter `value` to `ty`, if it
/// needs converting.
pub fn param(ty: &Type, value: &TokenStream) -> (TokenStream, Option<TokenStream>) {
    match ty {
        Type::String | Type::Id(_) | Type::Enum(_) => {
            let ty = value_type(ty);
            (quote!(impl Into<#ty>), Some(quote!(#value.into())))
        }
        Type::Ids(id) => {
            let id = &id.rust;
            (
                quote!(impl IntoIterator<Item = impl Into<crate::ids::#id>>),
                Some(quote!(#value.into_iter().map(Into::into).collect())),
            )
        }
        Type::Children(child) => {
            let element = &child.rust;
            (
                quote!(impl IntoIterator<Item = #element>),
                Some(quote!(#value.into_iter().collect())),
            )
        }
        other => (value_type(other), None),
    }
}

/// `with_<field>`.
pub fn setter(field: &Field) -> RustIdent {
    field.ident.prefixed("with_")
}
