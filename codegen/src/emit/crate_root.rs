//! `src/lib.rs` and each area's `mod.rs`: the module tree.

use proc_macro2::TokenStream;
use quote::quote;

use super::features::{FULL, SCHEMAS, cfg_any, data_features, entity_feature};
use crate::docs;
use crate::model::{Api, Entity};
use crate::names::RustIdent;

pub fn lib_rs(api: &Api) -> TokenStream {
    let doc = docs::inner(&docs::paragraphs([
        docs::spec(&api.service.docs),
        "The hand-written runtime (the `nexudus-runtime` crate: client, authentication, errors, \
         paging, retries) is re-exported at the crate root; everything else is generated from \
         `spec/`: the typed ids of every entity ([`ids`]), the API's enumerations ([`enums`]), \
         one module per area and entity, and [`Api`], the trait that gives the [`Client`] one \
         method per entity (`use nexudus::prelude::*;` brings it into scope)."
            .to_owned(),
        format!(
            "Each entity has a cargo feature named after its module, each area one named after the \
             area, and `{FULL}` (the default) enables them all: a crate that needs two entities can \
             set `default-features = false` and compile only those two. `{SCHEMAS}` compiles \
             every entity's `SCHEMA` (all of [`ENTITIES`]) and endpoint constants without its \
             records, bodies or handle, for programs that drive the API from data."
        ),
    ]));
    // An area module exists when any of its entities' features is on, or `schemas`.
    let areas = api.areas().into_iter().map(|(area, entities)| {
        let features: Vec<String> = entities
            .iter()
            .map(|e| entity_feature(e))
            .chain([SCHEMAS.to_owned()])
            .collect();
        let cfg = cfg_any(&features);
        quote! {
            #cfg
            #[rustfmt::skip]
            pub mod #area;
        }
    });
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        // Generated modules keep prettyplease's layout; rustfmt would reformat them and make
        // `cargo xtask gen --check` fail.
        #[rustfmt::skip]
        pub mod service;
        #[rustfmt::skip]
        pub mod ids;
        #[rustfmt::skip]
        pub mod enums;
        #[rustfmt::skip]
        mod entities;
        #(#areas)*

        pub use entities::{Api, ENTITIES};
        #[doc(hidden)]
        pub use entities::__visit_entities;
        pub use nexudus_runtime::*;
        pub use service::SERVICE;

        /// What most code using the client needs: `use nexudus::prelude::*;`.
        pub mod prelude {
            pub use crate::Api as _;
            pub use crate::{Auth, Client, DateTime, Decimal, Error, Result, SortDirection};
        }
    }
}

/// `src/entities.rs`: every entity as data (`ENTITIES`), and the trait that gives the
/// client one method per entity.
pub fn entities_rs(api: &Api) -> TokenStream {
    let schemas = api.entities.iter().map(|e| {
        let (area, module) = (&e.area, &e.names.module);
        let cfg = cfg_any(&data_features(e));
        quote!(#cfg crate::#area::#module::SCHEMA)
    });
    let accessors = api.entities.iter().map(|e| {
        let (area, module, handle) = (&e.area, &e.names.module, &e.names.api);
        let feature = entity_feature(e);
        let doc = docs::outer(&format!(
            "The `{}` endpoints: {}",
            e.name,
            docs::first_sentence(&docs::spec(&e.docs))
        ));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            fn #module(&self) -> crate::#area::#module::#handle<'_>;
        }
    });
    let impls = api.entities.iter().map(|e| {
        let (area, module, handle) = (&e.area, &e.names.module, &e.names.api);
        let feature = entity_feature(e);
        quote! {
            #[cfg(feature = #feature)]
            fn #module(&self) -> crate::#area::#module::#handle<'_> {
                crate::#area::#module::#handle::new(self)
            }
        }
    });
    let visit = visit_entities(api);
    // Who the credentials belong to: one request of the service, not of an entity.
    let (current_user, current_user_impl) = match &api.service.auth.current_user {
        Some((path, _)) => {
            let doc = docs::outer(&format!(
                "Who the credentials belong to (`GET {path}`), as the API answers it: \
                 [`CURRENT_USER`](crate::service::CURRENT_USER) says more."
            ));
            (
                quote! {
                    #doc
                    fn current_user(&self) -> crate::Call<::serde_json::Map<String, ::serde_json::Value>>;
                },
                quote! {
                    fn current_user(&self) -> crate::Call<::serde_json::Map<String, ::serde_json::Value>> {
                        self.get_json(&crate::service::CURRENT_USER, None, Vec::new())
                    }
                },
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let doc = docs::inner("Every entity of the spec, as data and as methods of the client.");
    quote! {
        #doc

        /// Every entity of the spec whose feature is on (every entity with `schemas`), as data,
        /// in area then name order.
        pub const ENTITIES: &[crate::EntitySchema] = &[#(#schemas),*];

        /// The endpoints of every entity, as methods of the [`Client`](crate::Client):
        /// `client.coworkers()` answers the handle whose methods call the coworker endpoints.
        /// Bring it into scope with `use nexudus::prelude::*;` (or `use nexudus::Api as _;`).
        ///
        /// Only the client implements it, so an entity the spec adds is not a breaking change.
        pub trait Api: sealed::Sealed {
            #current_user
            #(#accessors)*
        }

        impl Api for crate::Client {
            #current_user_impl
            #(#impls)*
        }

        // A supertrait no other crate can name, so no other crate can implement `Api` and a
        // method added to it breaks nobody.
        mod sealed {
            pub trait Sealed {}

            impl Sealed for crate::Client {}
        }

        #visit
    }
}

/// `__visit_entities`: hands a caller's `EntityVisitor` (runtime) every entity's record types, for
/// code that must name each one (the reference-examples check of `tests/`). A generic
/// function costs nothing until it is called, so users pay nothing for it; one statement per
/// entity keeps the diff of an added entity to its own lines.
fn visit_entities(api: &Api) -> TokenStream {
    let calls = api.entities.iter().map(|e| {
        let (area, module) = (&e.area, &e.names.module);
        let (record, list_item) = (&e.names.record, &e.names.list_item);
        let feature = entity_feature(e);
        let list = e.has_list_records().then(|| {
            quote! {
                #[cfg(feature = #feature)]
                visitor.list_record::<crate::#area::#module::#list_item>(crate::#area::#module::SCHEMA);
            }
        });
        quote! {
            #[cfg(feature = #feature)]
            visitor.record::<crate::#area::#module::#record>(crate::#area::#module::SCHEMA);
            #list
        }
    });
    quote! {
        /// Calls `visitor.record::<Record>(SCHEMA)`, then `visitor.list_record::<ListItem>(SCHEMA)`
        /// if the entity has list records, for every entity whose feature is on, in [`ENTITIES`]
        /// order. Not part of the API: it is for the project's own tests.
        #[doc(hidden)]
        #[allow(unused_variables)]
        pub fn __visit_entities(visitor: &mut impl crate::EntityVisitor) {
            #(#calls)*
        }
    }
}

pub fn area_rs(area: &RustIdent, entities: &[&Entity]) -> TokenStream {
    let doc = docs::inner(&format!("The `{area}` area of the API: `/api/{area}/...`."));
    let modules = entities.iter().map(|e| {
        let module = &e.names.module;
        let doc = docs::outer(&format!(
            "`{}`: {}",
            e.name,
            docs::first_sentence(&docs::spec(&e.docs))
        ));
        let cfg = cfg_any(&data_features(e));
        quote!(#doc #cfg pub mod #module;)
    });
    quote! {
        #doc
        #(#modules)*
    }
}
