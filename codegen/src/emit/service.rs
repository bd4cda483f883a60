//! `src/service.rs`: the service-wide constants the runtime reads (paging names, throttling,
//! base URL), so a change in `spec/service.yaml` reaches the runtime without editing it.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use crate::spec::Service;

pub fn service_rs(s: &Service) -> TokenStream {
    let doc = docs::inner("Service-wide constants from `spec/service.yaml`, used by the runtime.");
    let base_url = s.base_url.as_str();
    let paging = &s.paging;
    let page = paging.page.query.as_str();
    let default_page = paging.page.default.as_deref().copied().unwrap_or(1);
    let size = paging.size.query.as_str();
    let default_size = paging.size.default.as_deref().copied().unwrap_or(25);
    let max_size = paging.size.max.as_deref().copied().unwrap_or(u32::MAX);
    let order_by = paging.order_by.query.as_str();
    let dir = paging.direction.query.as_str();
    let asc = paging.direction.ascending.as_str();
    let desc = paging.direction.descending.as_str();
    let filter_format = s.range_filters.chrono_datetime_format();
    let filter_format_doc = docs::outer(&format!(
        "chrono format of date-times in filter values (`{}`).",
        s.range_filters.datetime_format.as_str()
    ));
    let token_path = s.auth.password_grant.path.as_str();
    let throttle_statuses = s.throttling.statuses.iter().map(|s| **s);
    let throttle_message = s.throttling.message.as_str();
    let validation_status = *s.envelopes.validation_status;
    quote! {
        #doc

        /// Default base URL of the API.
        pub const DEFAULT_BASE_URL: &str = #base_url;
        /// Query parameter of the page number.
        pub const PAGE_QUERY: &str = #page;
        /// The first page's number.
        pub const DEFAULT_PAGE: u32 = #default_page;
        /// Query parameter of the page size.
        pub const SIZE_QUERY: &str = #size;
        /// Page size when none is given.
        pub const DEFAULT_SIZE: u32 = #default_size;
        /// Largest page size the API serves.
        pub const MAX_SIZE: u32 = #max_size;
        /// Query parameter naming the field to order by.
        pub const ORDER_BY_QUERY: &str = #order_by;
        /// Query parameter of the sort direction.
        pub const DIRECTION_QUERY: &str = #dir;
        /// Sort direction value for ascending order.
        pub const ASCENDING: &str = #asc;
        /// Sort direction value for descending order.
        pub const DESCENDING: &str = #desc;
        #filter_format_doc
        pub const FILTER_DATETIME_FORMAT: &str = #filter_format;
        /// Path of the password and refresh-token grants.
        pub const TOKEN_PATH: &str = #token_path;
        /// HTTP statuses the API throttles with.
        pub const THROTTLE_STATUSES: &[u16] = &[#(#throttle_statuses),*];
        /// The message of a throttled answer (a 409 without it is a real conflict).
        pub const THROTTLE_MESSAGE: &str = #throttle_message;
        /// HTTP status of a validation failure.
        pub const VALIDATION_STATUS: u16 = #validation_status;
    }
}
