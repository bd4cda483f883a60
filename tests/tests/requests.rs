//! Request snapshots: the JSON of create and update bodies and the query string of a list
//! call that uses every filter and range filter, checked against the documents' spelling.

use nexudus::billing::coworker_booking_credits::{
    CoworkerBookingCredit, CoworkerBookingCreditFilter, CoworkerBookingCreditQuery,
    CoworkerBookingCreditSort, NewCoworkerBookingCredit,
};
use nexudus::billing::coworker_discount_codes::{
    CoworkerDiscountCode, CoworkerDiscountCodeFilter as F, CoworkerDiscountCodeQuery,
    CoworkerDiscountCodeSort, NewCoworkerDiscountCode,
};
use nexudus::ids::{
    BusinessId, CoworkerDiscountCodeId, CoworkerId, DiscountCodeId, ResourceTypeId,
    TariffBookingCreditId,
};
use nexudus::{DateTime, Decimal, SortDirection, Uuid};
use serde_json::json;

fn date(text: &str) -> DateTime {
    text.parse().expect("a valid date-time")
}

fn guid(text: &str) -> Uuid {
    text.parse().expect("a valid GUID")
}

/// Every filter and range filter of document 002, as 002 spells it.
const FILTERS_002: &[&str] = &[
    "CoworkerDiscountCode_Coworker",
    "CoworkerDiscountCode_Coworker_CoworkerType",
    "CoworkerDiscountCode_Coworker_FullName",
    "CoworkerDiscountCode_Coworker_BillingName",
    "CoworkerDiscountCode_Coworker_CompanyName",
    "CoworkerDiscountCode_Business",
    "CoworkerDiscountCode_Business_Name",
    "CoworkerDiscountCode_DiscountCode",
    "CoworkerDiscountCode_DiscountCode_Code",
    "CoworkerDiscountCode_DiscountCode_Active",
    "CoworkerDiscountCode_DiscountCode_ValidFrom",
    "CoworkerDiscountCode_DiscountCode_ValidTo",
    "CoworkerDiscountCode_Notes",
    "CoworkerDiscountCode_TimesUsed",
    "CoworkerDiscountCode_ValidFrom",
    "CoworkerDiscountCode_ExpiresOn",
    "CoworkerDiscountCode_RefererGuid",
    "CoworkerDiscountCode_BookingUniqueId",
    "from_CoworkerDiscountCode_DiscountCodeValidFrom",
    "to_CoworkerDiscountCode_DiscountCodeValidFrom",
    "from_CoworkerDiscountCode_DiscountCodeValidTo",
    "to_CoworkerDiscountCode_DiscountCodeValidTo",
    "from_CoworkerDiscountCode_TimesUsed",
    "to_CoworkerDiscountCode_TimesUsed",
    "from_CoworkerDiscountCode_ValidFrom",
    "to_CoworkerDiscountCode_ValidFrom",
    "from_CoworkerDiscountCode_ExpiresOn",
    "to_CoworkerDiscountCode_ExpiresOn",
    "from_CoworkerDiscountCode_CreatedOn",
    "to_CoworkerDiscountCode_CreatedOn",
    "from_CoworkerDiscountCode_UpdatedOn",
    "to_CoworkerDiscountCode_UpdatedOn",
];

/// A list query with every filter and range filter of CoworkerDiscountCode.
fn every_discount_code_filter() -> CoworkerDiscountCodeQuery {
    let d = date("2025-01-01T00:00");
    let e = date("2025-12-31T23:59");
    let g = guid("a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    [
        F::Id(CoworkerDiscountCodeId(87654321)),
        F::Coworker(CoworkerId(12)),
        F::CoworkerCoworkerType("Member".into()),
        F::CoworkerFullName("Ada Lovelace & Co".into()),
        F::CoworkerBillingName("Ada".into()),
        F::CoworkerCompanyName("Analytical Engines".into()),
        F::Business(BusinessId(34)),
        F::BusinessName("Soho".into()),
        F::DiscountCode(DiscountCodeId(56)),
        F::DiscountCodeCode("SPRING25".into()),
        F::DiscountCodeActive(true),
        F::DiscountCodeValidFrom(d),
        F::DiscountCodeValidTo(e),
        F::Notes("first month".into()),
        F::TimesUsed(2),
        F::ValidFrom(d),
        F::ExpiresOn(e),
        F::RefererGuid(g),
        F::BookingUniqueId(g),
        F::CreatedOn(d),
        F::FromDiscountCodeValidFrom(d),
        F::ToDiscountCodeValidFrom(e),
        F::FromDiscountCodeValidTo(d),
        F::ToDiscountCodeValidTo(e),
        F::FromTimesUsed(1),
        F::ToTimesUsed(10),
        F::FromValidFrom(d),
        F::ToValidFrom(e),
        F::FromExpiresOn(d),
        F::ToExpiresOn(e),
        F::FromCreatedOn(d),
        F::ToCreatedOn(e),
        F::FromUpdatedOn(d),
        F::ToUpdatedOn(e),
    ]
    .into_iter()
    .fold(
        CoworkerDiscountCodeQuery::new().page(2).size(15).order_by(
            CoworkerDiscountCodeSort::UpdatedOn,
            SortDirection::Descending,
        ),
        |query, filter| query.filter(filter),
    )
}

#[test]
fn list_query_with_every_filter() {
    let query = every_discount_code_filter().query_string(&nexudus::SERVICE.paging);
    insta::assert_snapshot!(query.replace('&', "\n&"));
    let names: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(name, _)| name))
        .collect();
    for name in FILTERS_002 {
        assert!(
            names.contains(name),
            "{name}, as 002 spells it, is not sent"
        );
    }
    // Paging and sorting as 002 spells them, and 002's date format for range filters.
    assert!(query.starts_with("page=2&size=15&orderBy=UpdatedOn&dir=-1&"));
    assert!(query.contains("&from_CoworkerDiscountCode_UpdatedOn=2025-01-01T00:00&"));
    assert!(query.ends_with("&to_CoworkerDiscountCode_UpdatedOn=2025-12-31T23:59"));
    // Values are percent-encoded where they must be, and only there.
    assert!(query.contains("CoworkerDiscountCode_Coworker_FullName=Ada%20Lovelace%20%26%20Co&"));
}

#[test]
fn booking_credit_list_query_uses_notes_spelling() {
    let query = CoworkerBookingCreditQuery::new()
        .order_by(
            CoworkerBookingCreditSort::ExpireDate,
            SortDirection::Ascending,
        )
        .filter(CoworkerBookingCreditFilter::Coworker(CoworkerId(1)))
        .filter(CoworkerBookingCreditFilter::Business(BusinessId(2)))
        .filter(CoworkerBookingCreditFilter::BusinessName("Soho".into()))
        .filter(CoworkerBookingCreditFilter::BusinessCurrencyCode(
            "GBP".into(),
        ))
        .filter(CoworkerBookingCreditFilter::Description(
            "Welcome credit".into(),
        ))
        .filter(CoworkerBookingCreditFilter::TariffBookingCredit(
            TariffBookingCreditId(3),
        ))
        .filter(CoworkerBookingCreditFilter::FromCreatedOn(date(
            "2025-01-01T00:00",
        )))
        .filter(CoworkerBookingCreditFilter::ToUpdatedOn(date(
            "2025-06-30T12:00",
        )));
    assert_eq!(
        query.query_string(&nexudus::SERVICE.paging),
        "orderBy=ExpireDate&dir=1\
         &CoworkerBookingCredit_Coworker=1\
         &CoworkerBookingCredit_Business=2\
         &CoworkerBookingCredit_Business_Name=Soho\
         &CoworkerBookingCredit_Business_Currency_Code=GBP\
         &CoworkerBookingCredit_Description=Welcome%20credit\
         &CoworkerBookingCredit_TariffBookingCredit=3\
         &from_CoworkerBookingCredit_CreatedOn=2025-01-01T00:00\
         &to_CoworkerBookingCredit_UpdatedOn=2025-06-30T12:00"
    );
}

#[test]
fn create_bodies() {
    let code = NewCoworkerDiscountCode::new(CoworkerId(12), BusinessId(34), DiscountCodeId(56))
        .with_notes("first month")
        .with_valid_from(date("2025-01-01T00:00:00Z"))
        .with_expires_on(date("2025-12-31T23:59:59Z"))
        .with_referer_guid(guid("a1b2c3d4-e5f6-7890-abcd-ef1234567890"))
        .with_system_id("crm-42");
    insta::assert_snapshot!(
        "create_coworker_discount_code",
        serde_json::to_string_pretty(&code).expect("serialises")
    );

    let credit = NewCoworkerBookingCredit::new(
        CoworkerId(12),
        BusinessId(34),
        "150.25".parse::<Decimal>().expect("decimal"),
    )
    .with_description("Welcome credit")
    .with_eligible_resource_types(vec![ResourceTypeId(7), ResourceTypeId(8)])
    .with_can_be_used_for_bookings(true)
    .with_expire_date(date("2025-12-31T23:59:59Z"));
    let json = serde_json::to_value(&credit).expect("serialises");
    // Money goes as a JSON number, and the typo'd wire names are kept.
    assert_eq!(json["TotalCredit"], json!(150.25));
    assert_eq!(json["CaneBeUsedForBookings"], json!(true));
    assert_eq!(json["ElegibleResourceTypes"], json!([7, 8]));
    insta::assert_snapshot!(
        "create_coworker_booking_credit",
        serde_json::to_string_pretty(&credit).expect("serialises")
    );
}

#[test]
fn update_bodies() {
    let record: CoworkerDiscountCode = serde_json::from_value(json!({
        "Id": 87654321, "UniqueId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "CreatedOn": "2025-01-10T08:00:00Z", "UpdatedOn": "2025-01-15T10:30:00Z",
        "UpdatedBy": "admin@example.com", "IsNew": false, "TimesUsed": 3,
        "CoworkerId": 12, "BusinessId": 34, "DiscountCodeId": 56, "Notes": "first month",
        "ValidFrom": "2025-01-01T00:00:00Z", "ExpiresOn": null, "SystemId": "crm-42",
        "CustomFields": {"Colour": "red"}, "AddedByANewerApi": 7
    }))
    .expect("decodes");
    let mut update = record.to_update();
    update.notes = Some("second month".into());
    insta::assert_snapshot!(
        "update_coworker_discount_code",
        serde_json::to_string_pretty(&update).expect("serialises")
    );

    let credit: CoworkerBookingCredit = serde_json::from_value(json!({
        "Id": 5, "UniqueId": "1b111175-a839-4170-b894-0f3066ab5d0b", "CoworkerId": 12,
        "BusinessId": 34, "TotalCredit": 150.25, "RemainingCredit": 99.5,
        "ElegibleProducts": [1, 2], "CaneBeUsedForEvents": false, "BusinessName": "Soho"
    }))
    .expect("decodes");
    let sent = serde_json::to_value(credit.to_update()).expect("serialises");
    assert_eq!(
        sent["RemainingCredit"],
        json!(99.5),
        "money survives the round trip exactly"
    );
    assert_eq!(sent["ElegibleProducts"], json!([1, 2]));
    assert!(
        sent.get("BusinessName").is_none(),
        "read-only fields are not sent"
    );
    insta::assert_snapshot!(
        "update_coworker_booking_credit",
        serde_json::to_string_pretty(&sent).expect("serialises")
    );
}
