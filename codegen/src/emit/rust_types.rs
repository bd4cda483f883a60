//! How spec types become Rust types, serde attributes and filter values.

use proc_macro2::TokenStream;
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

/// `#[serde(...)]` for a record or body field: the wire name, money as JSON numbers, and
/// absent `Option`s read as `None`.
pub fn serde_attr(field: &Field, optional: bool, skip_none: bool) -> TokenStream {
    let wire = field.wire.as_str();
    let mut parts = vec![quote!(rename = #wire)];
    if matches!(*field.ty, TypeExpr::Money) {
        let with = if optional {
            "::rust_decimal::serde::float_option"
        } else {
            "::rust_decimal::serde::float"
        };
        parts.push(quote!(with = #with));
    }
    if optional {
        parts.push(quote!(default));
    }
    if skip_none {
        parts.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    quote!(#[serde(#(#parts),*)])
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
