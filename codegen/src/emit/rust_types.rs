//! How spec types become Rust types, serde attributes and filter values.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::spec::{Field, TypeExpr};

/// The Rust type of a value of `ty` (not wrapped in `Option`).
pub fn value_type(ty: &TypeExpr) -> TokenStream {
    match ty {
        TypeExpr::Id(_) | TypeExpr::Integer => quote!(i64),
        TypeExpr::Ids(_) => quote!(Vec<i64>),
        TypeExpr::Money => quote!(crate::Decimal),
        TypeExpr::Boolean => quote!(bool),
        TypeExpr::String => quote!(String),
        TypeExpr::DateTime => quote!(crate::DateTime),
        TypeExpr::Guid => quote!(crate::Uuid),
        TypeExpr::Json => quote!(::serde_json::Value),
        // A loaded spec has no invalid types; emit something that cannot compile quietly.
        TypeExpr::Invalid { .. } => quote!(::core::convert::Infallible),
    }
}

/// The Rust type of a field: `Option<T>` when `nullable`, else `T`.
pub fn field_type(field: &Field, nullable: bool) -> TokenStream {
    let ty = value_type(&field.ty);
    if nullable { quote!(Option<#ty>) } else { ty }
}

/// The statement of a generated `Serialize` impl that writes `field` (the body's
/// `self.<field>`, of type `Option<T>` when `optional`) into `object`: money as a JSON
/// number, and unset optional fields left out when `skip_none`.
pub fn write_field(field: &Field, name: &Ident, optional: bool, skip_none: bool) -> TokenStream {
    let wire = field.wire.as_str();
    let money = matches!(*field.ty, TypeExpr::Money);
    match (optional, skip_none, money) {
        (false, _, false) => quote!(object.field(#wire, &self.#name)?;),
        (false, _, true) => quote!(object.field(#wire, &crate::wire::Money(&self.#name))?;),
        (true, true, false) => quote!(object.field_if_set(#wire, &self.#name)?;),
        (true, true, true) => quote! {
            if let Some(value) = &self.#name {
                object.field(#wire, &crate::wire::Money(value))?;
            }
        },
        (true, false, false) => quote!(object.field(#wire, &self.#name)?;),
        (true, false, true) => {
            quote!(object.field(#wire, &crate::wire::OptionalMoney(&self.#name))?;)
        }
    }
}

/// An expression turning `value` (a reference to a filter's value) into its query string.
pub fn filter_value(ty: &TypeExpr, value: &TokenStream) -> TokenStream {
    match ty {
        TypeExpr::String => quote!(#value.clone()),
        TypeExpr::DateTime => quote!(#value.to_filter_string()),
        TypeExpr::Ids(_) => quote!(crate::id_list(#value)),
        _ => quote!(#value.to_string()),
    }
}

/// How a setter takes a value: strings as `impl Into<String>`, the rest as they are.
pub fn setter_param(ty: &TypeExpr) -> (TokenStream, bool) {
    match ty {
        TypeExpr::String => (quote!(impl Into<String>), true),
        other => (value_type(other), false),
    }
}
