//! `src/enums.rs`: the API's enumerations. Known values are variants; any other value the
//! API sends is kept in `Unknown` and sent back unchanged, so a round trip never loses one.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::docs;
use crate::emit::features::UsedBy;
use crate::model::{Api, Enum};

pub fn enums_rs(api: &Api) -> TokenStream {
    let doc = docs::inner(
        "The API's enumerations. Each is a number on the wire; the values the documents name are \
         variants, and any other number is kept in `Unknown` (made only by `from_value`, so it \
         never holds a named value) and written back as it came. Each exists when the feature of \
         an entity that uses it is on.",
    );
    let used_by = UsedBy::new(api);
    let enums = api
        .enums
        .iter()
        .map(|e| enum_type(e, &used_by.cfg(e.rust.as_str())));
    quote! {
        #doc
        #(#enums)*
    }
}

/// The enumeration, its impls and its schema, each under `cfg` (the features that use it).
fn enum_type(e: &Enum, cfg: &TokenStream) -> TokenStream {
    let rust = &e.rust;
    let name = &e.name;
    let values_doc = if e.values.is_empty() {
        "No document gives its values: every value is kept as a number.".to_owned()
    } else {
        String::new()
    };
    let decision = e
        .decision
        .as_deref()
        .map(|d| format!("Spec decision: {}", docs::spec(d.trim())))
        .unwrap_or_default();
    let doc = docs::outer(&docs::paragraphs([
        docs::spec(&e.docs),
        format!("The API's `{name}`. {values_doc}"),
        decision,
    ]));
    let variants = e.values.iter().map(|v| {
        let variant = &v.variant;
        let doc = docs::outer(&docs::paragraphs([
            format!("`{}` (`{}`).", v.value, v.name),
            v.docs.as_deref().map(docs::spec).unwrap_or_default(),
        ]));
        quote!(#doc #variant,)
    });
    // Unsuffixed literals: `1`, not `1i64`.
    let number = |v: i64| Literal::i64_unsuffixed(v);
    let to_value = e.values.iter().map(|v| {
        let (variant, value) = (&v.variant, number(v.value));
        quote!(Self::#variant => #value,)
    });
    let arms = e.values.iter().map(|v| {
        let (variant, value) = (&v.variant, number(v.value));
        quote!(#value => Self::#variant,)
    });
    // No named value: a `match` of one catch-all arm is what clippy calls a needless match.
    let from_value = if e.values.is_empty() {
        quote!(Self::Unknown(crate::UnknownValue::new(value)))
    } else {
        quote! {
            match value {
                #(#arms)*
                other => Self::Unknown(crate::UnknownValue::new(other)),
            }
        }
    };
    let schema_values = e.values.iter().map(|v| {
        let (value, name) = (number(v.value), &v.name);
        quote!((#value, #name))
    });
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #rust {
            #(#variants)*
            /// A value the spec does not name, kept as the API sent it.
            Unknown(crate::UnknownValue),
        }

        #cfg
        impl #rust {
            /// The enumeration as data: its API name and known values.
            pub const SCHEMA: crate::EnumSchema = crate::EnumSchema {
                name: #name,
                values: &[#(#schema_values),*],
            };

            /// The number the API uses for this value.
            pub const fn value(self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::Unknown(value) => value.get(),
                }
            }

            /// The value of a number: a variant when the spec names it, else `Unknown`.
            pub const fn from_value(value: i64) -> Self {
                #from_value
            }
        }

        #cfg
        crate::api_enum!(#rust);
    }
}
