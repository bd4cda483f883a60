//! `src/lib.rs` and each area's `mod.rs`: the module tree.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::features::{FULL, entity_feature};
use crate::names;
use crate::spec::{Entity, Spec};

pub fn lib_rs(spec: &Spec) -> TokenStream {
    let doc = docs::inner(&docs::paragraphs([
        &docs::spec(&spec.service.docs),
        "The hand-written runtime (`runtime`: client, authentication, errors, paging, retries) is \
         re-exported at the crate root; everything else is generated from `spec/`.",
        &format!(
            "Each entity has a cargo feature named after its module, each area one named after the \
             area, and `{FULL}` (the default) enables them all: a crate that needs two entities can \
             set `default-features = false` and compile only those two."
        ),
    ]));
    let mut areas: Vec<&str> = spec.entities.iter().map(|e| e.area.as_str()).collect();
    areas.dedup();
    // An area module exists when any of its entities' features is on.
    let areas = areas.into_iter().map(|area| {
        let ident = format_ident!("{}", area);
        let features = spec
            .entities
            .iter()
            .filter(|e| e.area == area)
            .map(entity_feature);
        quote! {
            #[cfg(any(#(feature = #features),*))]
            #[rustfmt::skip]
            pub mod #ident;
        }
    });
    let schemas = spec.entities.iter().map(|e| {
        let area = format_ident!("{}", e.area);
        let module = names::entity_module(&e.def.entity).expect("validated entity name");
        let feature = entity_feature(e);
        quote!(#[cfg(feature = #feature)] #area::#module::SCHEMA)
    });
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        pub mod runtime;
        // Generated modules keep prettyplease's layout; rustfmt would reformat them and make
        // `cargo xtask gen --check` fail.
        #[rustfmt::skip]
        pub mod service;
        #(#areas)*

        pub use runtime::*;

        /// Every entity of the spec whose feature is on, as data, in area then name order.
        pub const ENTITIES: &[EntitySchema] = &[#(#schemas),*];
    }
}

pub fn area_rs(area: &str, entities: &[&Entity]) -> TokenStream {
    let doc = docs::inner(&format!("The `{area}` area of the API: `/api/{area}/...`."));
    let modules = entities.iter().map(|e| {
        let module = names::entity_module(&e.def.entity).expect("validated entity name");
        let doc = docs::outer(&format!(
            "`{}`: {}",
            e.def.entity.as_str(),
            docs::first_sentence(&docs::spec(&e.def.docs))
        ));
        let feature = entity_feature(e);
        quote!(#doc #[cfg(feature = #feature)] pub mod #module;)
    });
    quote! {
        #doc
        #(#modules)*
    }
}
