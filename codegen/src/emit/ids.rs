//! `src/ids.rs`: one id newtype per entity that has records or that an id names, whether or
//! not the entity is in the spec, so an id of one entity cannot be passed for another's.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs;
use crate::model::Api;

pub fn ids_rs(api: &Api) -> TokenStream {
    let first = api.ids.first().map(|id| id.rust.to_string());
    let second = api.ids.get(1).map(|id| id.rust.to_string());
    // The compile_fail example needs two distinct id types.
    let example = match (first, second) {
        (Some(a), Some(b)) => format!(
            "\n\nAn id of one entity is not an id of another; this does not compile:\n\n\
             ```compile_fail\nlet id: nexudus::ids::{a} = nexudus::ids::{b}(12);\n```"
        ),
        _ => String::new(),
    };
    let doc = docs::inner(&format!(
        "Typed ids: `CoworkerId` is the id of a `Coworker` record. Each is an `i64` on the wire, \
         printed and parsed as a number, and made from one with `CoworkerId(12)` or `.into()`.{example}"
    ));
    let ids = api.ids.iter().map(|id| {
        let (rust, entity) = (&id.rust, &id.entity);
        let doc = docs::outer(&format!("The id of one `{entity}` record."));
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
            pub struct #rust(pub i64);

            crate::typed_id!(#rust, #entity);
        }
    });
    quote! {
        #doc
        #(#ids)*
    }
}
