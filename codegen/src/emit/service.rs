//! `src/service.rs`: `SERVICE`, the service-wide facts the runtime and the emulator read
//! (paging names, throttling, token path, envelope wire names), so a change in
//! `spec/service.yaml` reaches them without editing them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::docs;
use crate::model::{Service, Slot};
use crate::names;

pub fn service_rs(s: &Service) -> TokenStream {
    let doc = docs::inner("Service-wide facts from `spec/service.yaml`, read by the runtime.");
    let (name, base_url, token_path) = (&s.name, &s.base_url, &s.auth.token_path);
    let current_user = match &s.auth.current_user {
        Some((path, _)) => quote!(Some(#path)),
        None => quote!(None),
    };
    // The current user's endpoint, for `Api::current_user`; any signed-in user may call it.
    let current_user_endpoint = s.auth.current_user.as_ref().map(|(path, docs_text)| {
        let doc = docs::outer(&docs::spec(docs_text));
        quote! {
            #doc
            pub const CURRENT_USER: crate::Endpoint = crate::Endpoint {
                method: crate::Method::Get,
                path: #path,
                role: "(any signed-in user)",
                service: &SERVICE,
            };
        }
    });
    let p = &s.paging;
    let (page, default_page) = (&p.page.query, p.default_page);
    let (size, default_size, max_size) = (&p.size.query, p.default_size, p.max_size);
    let (order_by, direction) = (&p.order_by.query, &p.direction.query);
    let (ascending, descending) = (&p.ascending, &p.descending);
    let (from_prefix, to_prefix) = (&s.range.from_prefix, &s.range.to_prefix);
    let filter_format = &s.range.chrono_format;
    let statuses = &s.throttling.statuses;
    let limits = s.throttling.limits.iter().map(|l| {
        let (count, window_ms, writes_only) = (l.count, l.window_ms, l.writes_only);
        quote! {
            crate::RateLimit {
                count: #count,
                window: ::core::time::Duration::from_millis(#window_ms),
                writes_only: #writes_only,
            }
        }
    });
    let throttle_message = &s.throttling.message;
    let e = &s.envelopes;
    let validation_status = e.validation_status;
    let action = names_struct(quote!(ActionNames), &e.action.slots());
    let validation_error = names_struct(quote!(ValidationErrorNames), &e.validation_error.slots());
    let page_names = names_struct(quote!(PageNames), &e.page.slots());
    let command = names_struct(quote!(CommandNames), &e.command.slots());
    let command_parameter =
        names_struct(quote!(CommandParameterNames), &e.command_parameter.slots());
    let run_command = names_struct(quote!(RunCommandNames), &e.run_command.slots());
    let service_doc = docs::outer(&format!(
        "The `{name}` service as `spec/service.yaml` describes it; date-time filter values are \
         written `{}`.",
        s.range.datetime_format
    ));
    quote! {
        #doc

        #current_user_endpoint

        #service_doc
        pub const SERVICE: crate::ServiceSchema = crate::ServiceSchema {
            name: #name,
            base_url: #base_url,
            token_path: #token_path,
            current_user_path: #current_user,
            paging: crate::PagingSchema {
                page: #page,
                default_page: #default_page,
                size: #size,
                default_size: #default_size,
                max_size: #max_size,
                order_by: #order_by,
                direction: #direction,
                ascending: #ascending,
                descending: #descending,
            },
            from_prefix: #from_prefix,
            to_prefix: #to_prefix,
            filter_datetime_format: #filter_format,
            throttle_statuses: &[#(#statuses),*],
            throttle_message: #throttle_message,
            rate_limits: &[#(#limits),*],
            validation_status: #validation_status,
            envelopes: crate::EnvelopeNames {
                action: #action,
                validation_error: #validation_error,
                page: #page_names,
                command: #command,
                command_parameter: #command_parameter,
                run_command: #run_command,
            },
        };
    }
}

/// `crate::PageNames { records: "Records", ... }`.
fn names_struct(ty: TokenStream, slots: &[(&'static str, &Slot)]) -> TokenStream {
    let fields = slots.iter().filter_map(|(slot, s)| {
        // Slot names are the runtime's field names, fixed snake_case words.
        let ident = names::snake(slot).ok()?;
        let wire = &s.wire;
        Some(quote!(#ident: #wire))
    });
    quote!(crate::#ty { #(#fields),* })
}
