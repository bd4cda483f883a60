//! One entity's module: records, bodies, query enums and endpoints, each from its own emitter.

mod bodies;
mod endpoints;
mod query;
mod records;
mod schema;

use proc_macro2::TokenStream;
use quote::quote;

use super::features::entity_feature;
use crate::docs;
use crate::model::Entity;

/// The whole module file of one entity.
pub fn entity_rs(entity: &Entity) -> TokenStream {
    let names = &entity.names;
    let endpoints_table = entity
        .endpoints
        .iter()
        .map(|e| {
            // A full path: rustdoc resolves a file module's inner docs from its parent.
            format!(
                "| [`{konst}`](crate::{area}::{module}::{konst}) | `{}` | `{}` |",
                e.request(),
                e.role,
                konst = e.konst,
                area = entity.area,
                module = names.module,
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let module_doc = docs::inner(&docs::paragraphs([
        format!("`{}`: {}", entity.name, docs::spec(&entity.docs)),
        format!(
            // Not links: the handle exists only with the entity's feature, and the docs
            // must build with `schemas` alone too.
            "Call the endpoints through `{api}`, from `client.{module}()` (with the feature \
             `{feature}`). Each needs its role unless the user is a full unrestricted \
             administrator:",
            api = names.api,
            module = names.module,
            feature = entity_feature(entity),
        ),
        format!("| endpoint | request | role |\n|---|---|---|\n{endpoints_table}"),
    ]));
    let id = &entity.id.rust;
    let id_doc = docs::outer(&format!("The id of a `{}` record.", entity.name));
    let records = records::emit(entity);
    let bodies = bodies::emit(entity);
    let query = query::emit(entity);
    let consts = endpoints::consts(entity);
    let handle = endpoints::handle(entity);
    let schema = schema::emit(entity);
    let feature = entity_feature(entity);
    // A private module re-exported whole, so that one `cfg` covers the typed API.
    let typed_doc = docs::outer(&format!(
        "The typed API of `{}` (id, records, bodies, query, handle), re-exported above: it \
         exists with the feature `{feature}`, while the constants and `SCHEMA` also exist with \
         `schemas`.",
        entity.name
    ));
    quote! {
        #module_doc

        #consts
        #schema

        #[cfg(feature = #feature)]
        pub use typed::*;

        #typed_doc
        #[cfg(feature = #feature)]
        mod typed {
            #id_doc
            pub use crate::ids::#id;

            #records
            #bodies
            #query
            #handle
        }
    }
}
