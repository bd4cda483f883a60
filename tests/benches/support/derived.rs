//! Structs a user would derive for the seed entities' records, as the benches' baseline:
//! the same fields as the generated records, with and without a `#[serde(flatten)]` map
//! for unknown properties.

#![allow(dead_code)]

use nexudus::{DateTime, Decimal, Uuid};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Declares a derived struct of the given PascalCase fields, with and without `flatten`.
macro_rules! derived {
    ($flat:ident, $plain:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $flat {
            $(#[serde(default)] pub $field: $ty,)*
            #[serde(flatten)]
            extra: Map<String, Value>,
        }

        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $plain {
            $(#[serde(default)] pub $field: $ty,)*
        }
    };
}

derived!(CodeFlat, CodePlain {
    id: i64, unique_id: Option<Uuid>, created_on: Option<DateTime>, updated_on: Option<DateTime>,
    updated_by: Option<String>, is_new: Option<bool>, system_id: Option<String>,
    to_string_text: Option<String>, localization_details: Option<Value>,
    custom_fields: Option<Value>, coworker_id: i64, business_id: i64, discount_code_id: i64,
    notes: Option<String>, times_used: Option<i64>, valid_from: Option<DateTime>,
    expires_on: Option<DateTime>, referer_guid: Option<Uuid>, booking_unique_id: Option<Uuid>,
});

derived!(CodeItemFlat, CodeItemPlain {
    id: i64, unique_id: Option<Uuid>, created_on: Option<DateTime>, updated_on: Option<DateTime>,
    updated_by: Option<String>, is_new: Option<bool>, system_id: Option<String>,
    to_string_text: Option<String>, localization_details: Option<Value>,
    custom_fields: Option<Value>, coworker_id: Option<i64>, business_id: Option<i64>,
    discount_code_id: Option<i64>, times_used: Option<i64>, valid_from: Option<DateTime>,
    expires_on: Option<DateTime>, referer_guid: Option<Uuid>, booking_unique_id: Option<Uuid>,
    coworker_coworker_type: Option<String>, coworker_full_name: Option<String>,
    coworker_billing_name: Option<String>, coworker_company_name: Option<String>,
    business_name: Option<String>, discount_code_code: Option<String>,
    discount_code_active: Option<bool>, discount_code_valid_from: Option<DateTime>,
    discount_code_valid_to: Option<DateTime>,
});

derived!(CreditItemFlat, CreditItemPlain {
    id: i64, unique_id: Option<Uuid>, created_on: Option<DateTime>, updated_on: Option<DateTime>,
    updated_by: Option<String>, coworker_id: Option<i64>, business_id: Option<i64>,
    total_credit: Option<Decimal>, remaining_credit: Option<Decimal>,
    description: Option<String>, valid_from: Option<DateTime>, expire_date: Option<DateTime>,
    cane_be_used_for_bookings: Option<bool>, cane_be_used_for_events: Option<bool>,
    is_universal_credit: Option<bool>, business_name: Option<String>,
});

/// A page as a user would derive it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DerivedPage<T> {
    pub records: Vec<T>,
    current_page: i64,
    current_page_size: i64,
    first_item: i64,
    last_item: i64,
    total_items: i64,
    total_pages: i64,
    pub has_next_page: bool,
    has_previous_page: bool,
}
