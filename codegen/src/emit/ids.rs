//! `src/ids.rs`: one id newtype per entity that has records or that an id names, whether or
//! not the entity is in the spec, so an id of one entity cannot be passed for another's.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs;
use crate::emit::features::UsedBy;
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
         printed and parsed as a number, and made from one with `CoworkerId(12)` or `.into()`. \
         Each exists when the feature of an entity that uses it is on.{example}"
    ));
    let used_by = UsedBy::new(api);
    let ids = api.ids.iter().map(|id| {
        let (rust, entity) = (&id.rust, &id.entity);
        // The newtype and its impls (documented `The id of one `Coworker` record.`), only
        // with the features of the entities that use it.
        let cfg = used_by.cfg(rust.as_str());
        quote! {
            #cfg
            crate::typed_id!(#rust, #entity);
        }
    });
    quote! {
        #doc
        #(#ids)*
    }
}
