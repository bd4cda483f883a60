//! End-to-end tests: the generated client against the emulator (`nexudus::emulator`), over
//! loopback HTTP.
//!
//! Requests go through the generated entity API (`client.coworker_discount_codes()`,
//! `client.coworker_booking_credits()`), except where a test must send what the typed API
//! cannot (a body missing required fields) or walks `nexudus::ENTITIES` generically: those
//! use the client's generic request functions with the generated endpoint constants. The
//! emulator handle seeds records, inspects them, injects faults and counts requests.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use futures::TryStreamExt as _;
use nexudus::Api as _;
use nexudus::billing::coworker_booking_credits::{
    self as credits, CoworkerBookingCreditFilter, CoworkerBookingCreditQuery,
    CoworkerBookingCreditSort, NewCoworkerBookingCredit,
};
use nexudus::billing::coworker_discount_codes::{
    self as codes, CoworkerDiscountCodeFilter, CoworkerDiscountCodeQuery, CoworkerDiscountCodeSort,
    NewCoworkerDiscountCode,
};
use nexudus::ids::{BusinessId, CoworkerDiscountCodeId, CoworkerId, DiscountCodeId, ProductId};
use nexudus::{
    Auth, Client, DateTime, Decimal, Error, Method, Pacing, RetryPolicy, RunCommand, SortDirection,
    Uuid,
};
use nexudus_emulator::{Emulator, EmulatorConfig, EmulatorError, Fault, Roles, ThrottleLimits};
use serde_json::{Value, json};

const TOKEN: &str = "admin-token";
const CODE: &str = codes::SCHEMA.name;
const CREDIT: &str = credits::SCHEMA.name;
const CODES_PATH: &str = codes::LIST.path;
const CREDITS_PATH: &str = credits::LIST.path;

/// Retries fast enough for tests, within the default number of attempts (4).
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_secs(3))
}

/// The configuration every test starts from: an administrator token, the commands used.
fn config() -> EmulatorConfig {
    EmulatorConfig::new()
        .admin_token(TOKEN)
        .command(CODE, "COMMAND_KEY_1", "Recount uses")
        .command(CREDIT, "RECALCULATE", "Recalculate the remaining credit")
}

async fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

fn client_with(emulator: &Emulator, auth: Auth, retry: RetryPolicy) -> Client {
    emulator
        .client_builder()
        .auth(auth)
        .retry(retry)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a client")
}

fn admin(emulator: &Emulator) -> Client {
    client_with(emulator, Auth::bearer(TOKEN), fast_retries())
}

/// An administrator's client that does not pace its requests, for tests of what a throttled
/// answer does.
fn unpaced_admin(emulator: &Emulator) -> Client {
    emulator
        .client_builder()
        .auth(Auth::bearer(TOKEN))
        .retry(fast_retries())
        .pacing(Pacing::off())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a client")
}

fn dt(text: &str) -> DateTime {
    text.parse().expect("a date-time")
}

fn money(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// The statuses the emulator answered to `method` on `path`, in order.
fn statuses(emulator: &Emulator, method: &str, path: &str) -> Vec<Option<u16>> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path == path)
        .map(|r| r.status)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Every endpoint of both entities
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_discount_code_endpoint_works_end_to_end() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let api = client.coworker_discount_codes();
    let referer = Uuid::parse_str("a1b2c3d4-e5f6-7890-abcd-ef1234567890").expect("a GUID");

    // create
    let id = api
        .create(
            &NewCoworkerDiscountCode::new(CoworkerId(12), BusinessId(34), DiscountCodeId(56))
                .with_notes("spring promotion")
                .with_valid_from(dt("2025-01-01T00:00:00Z"))
                .with_referer_guid(referer)
                .with_system_id("ext-1"),
        )
        .await
        .expect("create");
    let second = api
        .create(&NewCoworkerDiscountCode::new(
            CoworkerId(13),
            BusinessId(34),
            DiscountCodeId(57),
        ))
        .await
        .expect("create");
    assert_eq!(
        (id.0, second.0),
        (1, 2),
        "ids are assigned incrementally from 1"
    );

    // get: the full record, with what the server sets
    let record = api.get(id).await.expect("get");
    assert_eq!(
        (
            record.coworker_id,
            record.business_id,
            record.discount_code_id
        ),
        (CoworkerId(12), BusinessId(34), DiscountCodeId(56))
    );
    assert_eq!(record.notes.as_deref(), Some("spring promotion"));
    assert_eq!(record.valid_from, Some(dt("2025-01-01T00:00:00Z")));
    assert_eq!(record.referer_guid, Some(referer));
    assert_eq!(record.system_id.as_deref(), Some("ext-1"));
    assert_eq!(record.updated_by.as_deref(), Some("api@emulator.local"));
    assert!(record.created_on.is_some() && record.updated_on.is_some());
    assert_ne!(record.unique_id, Uuid::nil());
    assert!(
        record.extra.is_empty(),
        "no unknown fields: {:?}",
        record.extra
    );

    // list: list records leave Notes out and carry the joined display fields
    let page = api
        .list(&CoworkerDiscountCodeQuery::new())
        .await
        .expect("list");
    assert_eq!(page.total_items, 2);
    assert_eq!(page.records.len(), 2);
    let first = &page.records[0];
    assert_eq!(first.id, id);
    assert_eq!(first.coworker_full_name.as_deref(), Some("Coworker 12"));
    assert_eq!(first.business_name.as_deref(), Some("Business 34"));
    assert_eq!(first.discount_code_code.as_deref(), Some("DiscountCode 56"));
    assert!(
        !first.extra.contains_key("Notes"),
        "list records leave Notes out"
    );

    // find by ids
    let found = api
        .find_by_ids([second, CoworkerDiscountCodeId(999)])
        .await
        .expect("find by ids");
    assert_eq!(
        found.records.iter().map(|r| r.id).collect::<Vec<_>>(),
        [second]
    );
    assert_eq!(found.total_items, 1);

    // update: what the body leaves out is cleared, read-only fields stay
    let mut update = record.to_update();
    update.notes = Some("extended".into());
    update.referer_guid = None;
    api.update(&update).await.expect("update");
    let updated = api.get(id).await.expect("get");
    assert_eq!(updated.notes.as_deref(), Some("extended"));
    assert_eq!(updated.referer_guid, None);
    assert_eq!(updated.unique_id, record.unique_id);
    assert_eq!(updated.created_on, record.created_on);
    let modified = api
        .modify(id, |u| u.expires_on = Some(dt("2025-12-31T23:59:00Z")))
        .await
        .expect("modify");
    assert_eq!(modified.notes.as_deref(), Some("extended"));
    assert_eq!(
        emulator.record(CODE, id).expect("entity").expect("stored")["ExpiresOn"],
        "2025-12-31T23:59:00Z"
    );

    // commands and run command
    let commands = api.commands().await.expect("commands");
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].key, "COMMAND_KEY_1");
    let ran = api
        .run_command(&RunCommand::new("COMMAND_KEY_1", [id, second]))
        .await
        .expect("run command");
    assert!(ran.was_successful);
    let unknown = api
        .run_command(&RunCommand::new("NO_SUCH_COMMAND", [id]))
        .await
        .expect_err("an unknown command fails");
    assert!(
        matches!(&unknown, Error::Action { message, .. } if message.contains("NO_SUCH_COMMAND")),
        "{unknown:?}"
    );
    assert_eq!(
        statuses(&emulator, "POST", codes::RUN_COMMAND.path),
        [Some(200), Some(200)]
    );

    // delete
    api.delete(id).await.expect("delete");
    assert!(matches!(api.get(id).await, Err(Error::NotFound { .. })));
    assert!(matches!(api.delete(id).await, Err(Error::NotFound { .. })));
    assert_eq!(emulator.records(CODE).expect("entity").len(), 1);
}

#[tokio::test]
async fn every_booking_credit_endpoint_works_end_to_end() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let api = client.coworker_booking_credits();

    let id = api
        .create(
            &NewCoworkerBookingCredit::new(CoworkerId(7), BusinessId(3), money("123.45"))
                .with_description("welcome credit")
                .with_remaining_credit(money("0.1"))
                .with_eligible_products(vec![ProductId(1), ProductId(2), ProductId(3)])
                .with_can_be_used_for_bookings(true)
                .with_expire_date(dt("2026-01-31T00:00:00Z")),
        )
        .await
        .expect("create");
    let record = api.get(id).await.expect("get");
    // Money comes back exactly as sent.
    assert_eq!(record.total_credit, money("123.45"));
    assert_eq!(record.remaining_credit, Some(money("0.1")));
    assert_eq!(
        record.eligible_products,
        Some(vec![ProductId(1), ProductId(2), ProductId(3)])
    );
    assert_eq!(record.can_be_used_for_bookings, Some(true));
    assert_eq!(record.description.as_deref(), Some("welcome credit"));
    let stored = emulator
        .record(CREDIT, id)
        .expect("entity")
        .expect("stored");
    assert_eq!(stored["TotalCredit"].to_string(), "123.45");

    // list leaves out the restriction lists
    let page = api
        .list(&CoworkerBookingCreditQuery::new())
        .await
        .expect("list");
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].total_credit, Some(money("123.45")));
    assert!(!page.records[0].extra.contains_key("ElegibleProducts"));

    let found = api.find_by_ids([id]).await.expect("find by ids");
    assert_eq!(found.records[0].id, id);

    let mut update = record.to_update();
    update.total_credit = money("99.99");
    update.eligible_products = Some(vec![ProductId(4)]);
    update.description = None;
    api.update(&update).await.expect("update");
    let updated = api.get(id).await.expect("get");
    assert_eq!(updated.total_credit, money("99.99"));
    assert_eq!(updated.eligible_products, Some(vec![ProductId(4)]));
    assert_eq!(updated.description, None);
    assert_eq!(updated.can_be_used_for_bookings, Some(true));
    api.modify(id, |u| u.can_be_used_for_bookings = Some(false))
        .await
        .expect("modify");
    assert_eq!(
        api.get(id).await.expect("get").can_be_used_for_bookings,
        Some(false)
    );

    let commands = api.commands().await.expect("commands");
    assert_eq!(
        commands.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
        ["RECALCULATE"]
    );
    assert!(
        api.run_command(&RunCommand::new("RECALCULATE", [id]))
            .await
            .expect("run")
            .was_successful
    );
    let missing = api
        .run_command(&RunCommand::new("RECALCULATE", [id.0 + 100]))
        .await
        .expect_err("a command on a missing record fails");
    assert!(matches!(missing, Error::Action { .. }), "{missing:?}");
    assert!(
        matches!(
            api.run_command(&RunCommand::new("COMMAND_KEY_1", [id]))
                .await,
            Err(Error::Action { .. })
        ),
        "another entity's command is unknown here"
    );

    api.delete(id).await.expect("delete");
    assert!(matches!(api.get(id).await, Err(Error::NotFound { .. })));
    assert!(emulator.records(CREDIT).expect("entity").is_empty());
}

// ---------------------------------------------------------------------------------------
// Listing: filters, sorting, paging, streams
// ---------------------------------------------------------------------------------------

/// 1,000 discount codes with varied fields; record `i` (from 0) has Id `i + 1`.
fn thousand_codes() -> Vec<Value> {
    (0..1000i64)
        .map(|i| {
            let created = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("a date")
                + chrono::Duration::hours(i * 7);
            json!({
                "CoworkerId": 100 + i % 37,
                "BusinessId": 1 + i % 3,
                "DiscountCodeId": 500 + i % 11,
                "TimesUsed": (i * 7919) % 50,
                "Notes": if i % 4 == 0 { "VIP customer" } else { "regular" },
                "CreatedOn": created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "ExpiresOn": if i % 5 == 0 { Value::Null } else { json!("2026-06-30T00:00:00Z") },
            })
        })
        .collect()
}

#[tokio::test]
async fn a_stream_over_a_thousand_records_in_pages_of_100_equals_what_the_emulator_holds() {
    let seeded = thousand_codes();
    let emulator = start(config().seed_json(json!({ CODE: seeded }))).await;
    let client = admin(&emulator);
    let api = client.coworker_discount_codes();

    // Everything, by TimesUsed descending (ties in Id order): 10 pages of 100.
    let query = CoworkerDiscountCodeQuery::new().size(100).order_by(
        CoworkerDiscountCodeSort::TimesUsed,
        SortDirection::Descending,
    );
    let all: Vec<_> = api.stream(query).try_collect().await.expect("stream");
    let mut expected: Vec<(i64, i64)> = seeded
        .iter()
        .enumerate()
        .map(|(i, r)| (r["TimesUsed"].as_i64().expect("int"), i as i64 + 1))
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(
        all.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        expected.iter().map(|(_, id)| *id).collect::<Vec<_>>()
    );
    assert_eq!(emulator.count("GET", CODES_PATH), 10);
    let stored: BTreeSet<i64> = emulator
        .records(CODE)
        .expect("entity")
        .iter()
        .filter_map(|r| r["Id"].as_i64())
        .collect();
    assert_eq!(all.iter().map(|r| r.id.0).collect::<BTreeSet<_>>(), stored);

    // A filter, a range filter, a string filter and a date range, sorted by CreatedOn
    // descending, computed independently from the seed.
    emulator.clear_requests();
    let from = chrono::NaiveDate::from_ymd_opt(2025, 2, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    let query = CoworkerDiscountCodeQuery::new()
        .size(100)
        .filter(CoworkerDiscountCodeFilter::Business(BusinessId(2)))
        .filter(CoworkerDiscountCodeFilter::FromTimesUsed(10))
        .filter(CoworkerDiscountCodeFilter::ToTimesUsed(40))
        .filter(CoworkerDiscountCodeFilter::FromCreatedOn(dt(
            "2025-02-01T00:00",
        )))
        .filter(CoworkerDiscountCodeFilter::Notes("vip".into()))
        .order_by(
            CoworkerDiscountCodeSort::CreatedOn,
            SortDirection::Descending,
        );
    let filtered: Vec<_> = api.stream(query).try_collect().await.expect("stream");
    let mut expected: Vec<(String, i64)> = seeded
        .iter()
        .enumerate()
        .filter(|(_, r)| r["BusinessId"] == 2)
        .filter(|(_, r)| (10..=40).contains(&r["TimesUsed"].as_i64().expect("int")))
        .filter(|(_, r)| {
            r["Notes"]
                .as_str()
                .expect("notes")
                .to_lowercase()
                .contains("vip")
        })
        .filter(|(_, r)| {
            let created = r["CreatedOn"].as_str().expect("date");
            chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%SZ").expect("date")
                >= from
        })
        .map(|(i, r)| {
            (
                r["CreatedOn"].as_str().expect("date").to_owned(),
                i as i64 + 1,
            )
        })
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert!(
        expected.len() > 20,
        "the filters leave a sizeable set: {}",
        expected.len()
    );
    assert_eq!(
        filtered.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        expected.iter().map(|(_, id)| *id).collect::<Vec<_>>()
    );
    let pages = expected.len().div_ceil(100);
    assert_eq!(emulator.count("GET", CODES_PATH), pages);
}

#[tokio::test]
async fn list_pages_carry_the_full_envelope_with_the_documented_defaults() {
    let records: Vec<Value> = (0..30)
        .map(|i| json!({"CoworkerId": i, "BusinessId": 1, "DiscountCodeId": 2}))
        .collect();
    let emulator = start(config().seed_json(json!({ CODE: records }))).await;
    let client = admin(&emulator);
    let api = client.coworker_discount_codes();

    let first = api
        .list(&CoworkerDiscountCodeQuery::new())
        .await
        .expect("list");
    assert_eq!(first.records.len(), 25, "default size 25");
    assert_eq!((first.current_page, first.current_page_size), (1, 25));
    assert_eq!((first.first_item, first.last_item), (1, 25));
    assert_eq!((first.total_items, first.total_pages), (30, 2));
    assert!(first.has_next_page && !first.has_previous_page);
    assert_eq!(first.current_order_field.as_deref(), Some("Id"));
    assert_eq!(first.current_sort_direction, Some(1));

    let second = api
        .list(&CoworkerDiscountCodeQuery::new().page(2))
        .await
        .expect("list");
    assert_eq!(second.records.len(), 5);
    assert_eq!((second.first_item, second.last_item), (26, 30));
    assert!(!second.has_next_page && second.has_previous_page);

    let beyond = api
        .list(&CoworkerDiscountCodeQuery::new().page(u32::MAX))
        .await
        .expect("list");
    assert!(beyond.records.is_empty() && !beyond.has_next_page);
    assert_eq!(
        (beyond.first_item, beyond.last_item, beyond.total_items),
        (0, 0, 30)
    );

    let big = api
        .list(&CoworkerDiscountCodeQuery::new().size(5000))
        .await
        .expect("list");
    assert_eq!((big.records.len(), big.current_page_size), (30, 1000));

    let descending = api
        .list(&CoworkerDiscountCodeQuery::new().size(3).order_by(
            CoworkerDiscountCodeSort::CoworkerId,
            SortDirection::Descending,
        ))
        .await
        .expect("list");
    assert_eq!(
        descending
            .records
            .iter()
            .map(|r| r.coworker_id.map(|id| id.0))
            .collect::<Vec<_>>(),
        [Some(29), Some(28), Some(27)]
    );
    assert_eq!(descending.current_sort_direction, Some(-1));
    assert_eq!(
        descending.current_order_field.as_deref(),
        Some("CoworkerId")
    );
}

#[tokio::test]
async fn every_kind_of_filter_selects_the_right_records() {
    let guid = "77ff96dd-32a0-46f8-95e7-e2e637f0fabe";
    let emulator = start(config().seed_json(json!({
        CODE: [
            {"CoworkerId": 1, "BusinessId": 10, "DiscountCodeId": 100, "TimesUsed": 3,
             "CoworkerFullName": "Ada Lovelace", "DiscountCodeActive": true,
             "ValidFrom": "2025-03-01T09:15:42Z", "RefererGuid": guid,
             "CreatedOn": "2025-01-10T08:00:00Z", "UpdatedOn": "2025-01-15T10:30:00Z"},
            {"CoworkerId": 2, "BusinessId": 10, "DiscountCodeId": 101, "TimesUsed": 7,
             "DiscountCodeActive": false, "ValidFrom": "2025-04-01T00:00:00Z",
             "CreatedOn": "2025-02-10T08:00:00Z", "UpdatedOn": "2025-12-31T23:59:30Z"},
            {"CoworkerId": 3, "BusinessId": 11, "DiscountCodeId": 100,
             "CreatedOn": "2025-03-10T08:00:00Z"}
        ],
        CREDIT: [
            {"CoworkerId": 1, "BusinessId": 10, "TotalCredit": 50, "BusinessName": "Main Street",
             "BusinessCurrencyCode": "EUR", "Description": "Monthly credit"},
            {"CoworkerId": 2, "BusinessId": 11, "TotalCredit": 20.5, "BusinessName": "Harbour",
             "BusinessCurrencyCode": "GBP", "TariffBookingCreditId": 9}
        ]
    })))
    .await;
    let client = admin(&emulator);
    let ids = |filters: Vec<CoworkerDiscountCodeFilter>| {
        let query = filters
            .into_iter()
            .fold(CoworkerDiscountCodeQuery::new(), |q, f| q.filter(f));
        let api = client.coworker_discount_codes();
        async move {
            api.list(&query)
                .await
                .expect("list")
                .records
                .iter()
                .map(|r| r.id.0)
                .collect::<Vec<_>>()
        }
    };
    use CoworkerDiscountCodeFilter as F;
    assert_eq!(ids(vec![F::Id(CoworkerDiscountCodeId(2))]).await, [2]);
    assert_eq!(ids(vec![F::Business(BusinessId(10))]).await, [1, 2]);
    assert_eq!(
        ids(vec![
            F::DiscountCode(DiscountCodeId(100)),
            F::Business(BusinessId(11))
        ])
        .await,
        [3]
    );
    // Strings: case-insensitive "contains"; seeded joined values win over derived ones.
    assert_eq!(ids(vec![F::CoworkerFullName("lovelace".into())]).await, [1]);
    assert_eq!(
        ids(vec![F::CoworkerFullName("Coworker 3".into())]).await,
        [3]
    );
    assert_eq!(
        ids(vec![F::BusinessName("business 1".into())]).await,
        [1, 2, 3]
    );
    assert_eq!(ids(vec![F::DiscountCodeActive(false)]).await, [2]);
    assert_eq!(ids(vec![F::TimesUsed(7)]).await, [2]);
    assert_eq!(
        ids(vec![F::FromTimesUsed(4)]).await,
        [2],
        "records without the field never match"
    );
    // Date-times compare to the minute, ranges inclusive.
    assert_eq!(ids(vec![F::ValidFrom(dt("2025-03-01T09:15"))]).await, [1]);
    assert_eq!(
        ids(vec![F::ToUpdatedOn(dt("2025-12-31T23:59"))]).await,
        [1, 2]
    );
    assert_eq!(
        ids(vec![
            F::FromCreatedOn(dt("2025-02-10T08:00")),
            F::ToCreatedOn(dt("2025-03-10T08:00"))
        ])
        .await,
        [2, 3]
    );
    assert_eq!(ids(vec![F::CreatedOn(dt("2025-01-10T08:00"))]).await, [1]);
    assert_eq!(
        ids(vec![F::RefererGuid(Uuid::parse_str(guid).expect("guid"))]).await,
        [1]
    );
    assert_eq!(
        ids(vec![
            F::Business(BusinessId(10)),
            F::Coworker(CoworkerId(3))
        ])
        .await,
        Vec::<i64>::new()
    );

    let credit_api = client.coworker_booking_credits();
    let credit_ids = |filter: CoworkerBookingCreditFilter| {
        let query = CoworkerBookingCreditQuery::new().filter(filter).order_by(
            CoworkerBookingCreditSort::TotalCredit,
            SortDirection::Ascending,
        );
        async move {
            credit_api
                .list(&query)
                .await
                .expect("list")
                .records
                .iter()
                .map(|r| r.id.0)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        credit_ids(CoworkerBookingCreditFilter::BusinessName("street".into())).await,
        [1]
    );
    assert_eq!(
        credit_ids(CoworkerBookingCreditFilter::BusinessCurrencyCode(
            "gbp".into()
        ))
        .await,
        [2]
    );
    assert_eq!(
        credit_ids(CoworkerBookingCreditFilter::Description("monthly".into())).await,
        [1]
    );
    assert_eq!(
        credit_ids(CoworkerBookingCreditFilter::TariffBookingCredit(9.into())).await,
        [2]
    );
    assert_eq!(
        credit_ids(CoworkerBookingCreditFilter::FromCreatedOn(dt(
            "2000-01-01T00:00"
        )))
        .await,
        [2, 1],
        "sorted by TotalCredit"
    );
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn validation_failures_list_every_field_with_its_attempted_value() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let error = client
        .send_action(
            &codes::CREATE,
            None,
            Some(&json!({"Notes": 5, "TimesUsed": 9})),
        )
        .await
        .expect_err("invalid");
    let Error::Validation {
        status,
        message,
        errors,
    } = &error
    else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(*status, 400);
    let properties: Vec<_> = errors
        .iter()
        .map(|e| e.property_name.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(
        properties,
        ["CoworkerId", "BusinessId", "DiscountCodeId", "Notes"],
        "TimesUsed is read-only, so ignored"
    );
    assert!(
        errors[..3]
            .iter()
            .all(|e| e.message == "is a required field" && e.attempted_value.is_none())
    );
    assert_eq!(errors[3].attempted_value, Some(json!(5)));
    assert!(
        message.contains("CoworkerId: is a required field"),
        "{message}"
    );

    let error = client
        .send_action(
            &credits::CREATE,
            None,
            Some(&json!({"CoworkerId": "seven", "BusinessId": 1, "TotalCredit": "lots"})),
        )
        .await
        .expect_err("invalid");
    let properties: Vec<_> = error
        .validation_errors()
        .iter()
        .map(|e| e.property_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(properties, ["CoworkerId", "TotalCredit"]);
    assert_eq!(
        error.validation_errors()[0].attempted_value,
        Some(json!("seven"))
    );

    // An update is checked the same way, and names a missing Id.
    let error = client
        .send_action(&codes::UPDATE, None, Some(&json!({"CoworkerId": 1})))
        .await
        .expect_err("invalid");
    assert_eq!(
        error.validation_errors()[0].property_name.as_deref(),
        Some("Id")
    );
    assert!(
        emulator.records(CODE).expect("entity").is_empty(),
        "nothing was created"
    );
    assert_eq!(
        statuses(&emulator, "POST", CODES_PATH),
        [Some(400)],
        "a 400 is not retried"
    );
}

#[tokio::test]
async fn missing_credentials_and_roles_are_401_and_403_naming_the_role() {
    let emulator = start(
        config()
            .bearer_token("lister", Roles::of([codes::LIST.role, credits::LIST.role]))
            .user("reader@example.com", "pw", Roles::of([codes::GET.role]))
            .bearer_token("nobody", Roles::none()),
    )
    .await;
    emulator
        .insert(
            CODE,
            json!({"CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3}),
        )
        .expect("insert");
    emulator
        .insert(
            CREDIT,
            json!({"CoworkerId": 1, "BusinessId": 2, "TotalCredit": 5}),
        )
        .expect("insert");
    let client = |auth| client_with(&emulator, auth, fast_retries());

    for auth in [
        Auth::None,
        Auth::bearer("wrong"),
        Auth::basic("reader@example.com", "wrong"),
    ] {
        let error = client(auth)
            .coworker_discount_codes()
            .get(1)
            .await
            .expect_err("401");
        assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    }

    let lister = client(Auth::bearer("lister"));
    assert_eq!(
        lister
            .coworker_discount_codes()
            .list(&Default::default())
            .await
            .expect("list")
            .total_items,
        1
    );
    assert_eq!(
        lister
            .coworker_booking_credits()
            .list(&Default::default())
            .await
            .expect("list")
            .total_items,
        1
    );
    let error = lister
        .coworker_discount_codes()
        .get(1)
        .await
        .expect_err("403");
    assert!(
        matches!(error, Error::Forbidden { role, .. } if role == "CoworkerDiscountCode-Read"),
        "{error:?}"
    );
    assert!(error.to_string().contains("CoworkerDiscountCode-Read"));
    let error = lister
        .coworker_booking_credits()
        .delete(1)
        .await
        .expect_err("403");
    assert!(
        matches!(error, Error::Forbidden { role, .. } if role == credits::DELETE.role),
        "{error:?}"
    );
    let error = lister
        .coworker_booking_credits()
        .create(&NewCoworkerBookingCredit::new(
            CoworkerId(1),
            BusinessId(2),
            money("1"),
        ))
        .await
        .expect_err("403");
    assert!(
        matches!(error, Error::Forbidden { role, .. } if role == credits::CREATE.role),
        "{error:?}"
    );
    let error = lister
        .coworker_discount_codes()
        .run_command(&RunCommand::new("COMMAND_KEY_1", [1]))
        .await
        .expect_err("403");
    assert!(
        matches!(error, Error::Forbidden { role, .. } if role == codes::RUN_COMMAND.role),
        "{error:?}"
    );

    let reader = client(Auth::basic("reader@example.com", "pw"));
    assert_eq!(
        reader
            .coworker_discount_codes()
            .get(1)
            .await
            .expect("get")
            .coworker_id
            .0,
        1
    );
    let error = reader
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect_err("403");
    assert!(
        matches!(error, Error::Forbidden { role, .. } if role == codes::LIST.role),
        "{error:?}"
    );
    let error = client(Auth::bearer("nobody"))
        .coworker_booking_credits()
        .commands()
        .await
        .expect_err("403");
    assert!(
        matches!(error, Error::Forbidden { role, .. } if role == credits::COMMANDS.role),
        "{error:?}"
    );

    // 404s, for an administrator.
    let admin = admin(&emulator);
    assert!(matches!(
        admin.coworker_discount_codes().get(42).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        admin.coworker_booking_credits().get(42).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        admin.coworker_booking_credits().delete(42).await,
        Err(Error::NotFound { .. })
    ));
    let mut update = admin
        .coworker_discount_codes()
        .get(1)
        .await
        .expect("get")
        .to_update();
    admin
        .coworker_discount_codes()
        .delete(1)
        .await
        .expect("delete");
    update.notes = Some("gone".into());
    let error = admin
        .coworker_discount_codes()
        .update(&update)
        .await
        .expect_err("404");
    assert!(
        matches!(
            error,
            Error::NotFound {
                method: Method::Put,
                ..
            }
        ),
        "{error:?}"
    );
}

/// The API compares roles without case (spec/README.md's decisions): a token whose roles
/// are written in lower case may still list.
#[tokio::test]
async fn roles_are_compared_ignoring_case() {
    let lower = codes::LIST.role.to_ascii_lowercase();
    let emulator = start(config().bearer_token("lower", Roles::of([lower]))).await;
    let client = client_with(&emulator, Auth::bearer("lower"), fast_retries());
    let api = client.coworker_discount_codes();
    api.list(&Default::default())
        .await
        .expect("a lower-case role allows the list");
    let error = api.get(1).await.expect_err("no read role");
    assert!(matches!(error, Error::Forbidden { .. }), "{error:?}");
}

#[tokio::test]
async fn the_password_grant_logs_in_refreshes_and_logs_in_again_after_a_revocation() {
    // A lifetime this short is always within the refresh margin: every call refreshes.
    let emulator = start(
        config()
            .admin("admin@example.com", "secret")
            .token_lifetime(Duration::from_secs(30)),
    )
    .await;
    let client = client_with(
        &emulator,
        Auth::password("admin@example.com", "secret"),
        fast_retries(),
    );
    let api = client.coworker_discount_codes();
    api.create(&NewCoworkerDiscountCode::new(
        CoworkerId(1),
        BusinessId(2),
        DiscountCodeId(3),
    ))
    .await
    .expect("create");
    assert_eq!(
        api.get(1).await.expect("get").updated_by.as_deref(),
        Some("admin@example.com")
    );
    api.list(&Default::default()).await.expect("list");
    let grants = statuses(&emulator, "POST", nexudus::SERVICE.token_path);
    assert_eq!(
        grants,
        [Some(200), Some(200), Some(200)],
        "a password grant, then a refresh per call"
    );

    // Revoked tokens are refused with 401; the client logs in again once.
    let long_lived = start(config().admin("admin@example.com", "secret")).await;
    let client = client_with(
        &long_lived,
        Auth::password("admin@example.com", "secret"),
        fast_retries(),
    );
    client
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect("list");
    long_lived.revoke_tokens();
    client
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect("list after a revocation");
    let statuses: Vec<_> = long_lived
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("POST".to_owned(), Some(200)),
            ("GET".to_owned(), Some(200)),
            ("GET".to_owned(), Some(401)),
            ("POST".to_owned(), Some(200)),
            ("GET".to_owned(), Some(200)),
        ]
    );

    let wrong = client_with(
        &long_lived,
        Auth::password("admin@example.com", "nope"),
        fast_retries(),
    );
    let error = wrong
        .coworker_discount_codes()
        .get(1)
        .await
        .expect_err("bad login");
    assert!(
        matches!(&error, Error::TokenGrant { error, .. } if error == "invalid_grant"),
        "{error:?}"
    );
}

/// A token lifetime too long for the clock (`Duration::MAX`) means tokens that never
/// expire, not tokens that expire at once.
#[tokio::test]
async fn a_token_lifetime_beyond_the_clock_never_expires() {
    let emulator = start(
        config()
            .admin("admin@example.com", "secret")
            .token_lifetime(Duration::MAX),
    )
    .await;
    let client = client_with(
        &emulator,
        Auth::password("admin@example.com", "secret"),
        fast_retries(),
    );
    client
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect("list with the granted token");
    assert_eq!(statuses(&emulator, "GET", CODES_PATH), [Some(200)]);
}

// ---------------------------------------------------------------------------------------
// Retries, throttling and faults
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn throttling_is_retried_within_the_configured_bounds() {
    let emulator = start(config()).await;
    emulator
        .insert(
            CODE,
            json!({"CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3}),
        )
        .expect("insert");
    let client = admin(&emulator);
    let get_path = format!("{CODES_PATH}/1");

    // Two throttled answers, then the record: three attempts.
    emulator.inject(
        Fault::throttled(Duration::ZERO)
            .method(Method::Get)
            .times(2),
    );
    client
        .coworker_discount_codes()
        .get(1)
        .await
        .expect("get after two throttles");
    assert_eq!(
        statuses(&emulator, "GET", &get_path),
        [Some(409), Some(409), Some(200)]
    );

    // The emulator's own throttling: over the limit every attempt is refused, and the
    // client gives up after its four attempts.
    emulator.clear_requests();
    emulator.set_throttle(Some(
        ThrottleLimits::new()
            .requests(2, Duration::from_secs(60))
            .retry_after(Duration::ZERO),
    ));
    client.coworker_discount_codes().get(1).await.expect("1st");
    client.coworker_discount_codes().get(1).await.expect("2nd");
    let error = client
        .coworker_discount_codes()
        .get(1)
        .await
        .expect_err("throttled");
    assert!(
        matches!(error, Error::Throttled { retry_after: Some(wait) } if wait.is_zero()),
        "{error:?}"
    );
    assert_eq!(
        statuses(&emulator, "GET", &get_path),
        [
            Some(200),
            Some(200),
            Some(409),
            Some(409),
            Some(409),
            Some(409)
        ]
    );

    // A Retry-After longer than the client's max_delay: it gives up at once.
    emulator.set_throttle(Some(
        ThrottleLimits::new().requests(1, Duration::from_secs(60)),
    ));
    emulator.clear_requests();
    client
        .coworker_booking_credits()
        .list(&Default::default())
        .await
        .expect("1st");
    let patient = client_with(
        &emulator,
        Auth::bearer(TOKEN),
        fast_retries().max_delay(Duration::from_millis(500)),
    );
    let error = patient
        .coworker_booking_credits()
        .list(&Default::default())
        .await
        .expect_err("throttled");
    assert!(
        matches!(error, Error::Throttled { retry_after: Some(wait) } if wait == Duration::from_secs(60)),
        "{error:?}"
    );
    assert_eq!(
        statuses(&emulator, "GET", CREDITS_PATH),
        [Some(200), Some(409)]
    );

    // Writes have their own limit; a throttled POST was not processed, so it is retried too.
    emulator.set_throttle(Some(
        ThrottleLimits::new()
            .writes(1, Duration::from_secs(60))
            .retry_after(Duration::ZERO),
    ));
    emulator.clear_requests();
    client
        .coworker_booking_credits()
        .create(&NewCoworkerBookingCredit::new(
            CoworkerId(1),
            BusinessId(2),
            money("3"),
        ))
        .await
        .expect("1st write");
    let error = client
        .coworker_booking_credits()
        .create(&NewCoworkerBookingCredit::new(
            CoworkerId(1),
            BusinessId(2),
            money("3"),
        ))
        .await
        .expect_err("throttled");
    assert!(matches!(error, Error::Throttled { .. }), "{error:?}");
    assert_eq!(
        statuses(&emulator, "POST", CREDITS_PATH),
        [Some(200), Some(409), Some(409), Some(409), Some(409)]
    );
    client
        .coworker_booking_credits()
        .list(&Default::default())
        .await
        .expect("reads are not writes");
    assert_eq!(emulator.records(CREDIT).expect("entity").len(), 1);
}

#[tokio::test]
async fn throttled_creates_and_token_grants_are_retried() {
    let emulator = start(config().admin("admin@example.com", "secret")).await;
    let client = client_with(
        &emulator,
        Auth::password("admin@example.com", "secret"),
        fast_retries(),
    );
    let api = client.coworker_discount_codes();
    emulator.inject(
        Fault::throttled(Duration::ZERO)
            .path(nexudus::SERVICE.token_path)
            .times(2),
    );
    emulator.inject(
        Fault::throttled(Duration::ZERO)
            .method(Method::Post)
            .path(CODES_PATH),
    );
    let id = api
        .create(&NewCoworkerDiscountCode::new(1, 2, 3))
        .await
        .expect("created after two throttled grants and a throttled create");
    assert_eq!(
        statuses(&emulator, "POST", nexudus::SERVICE.token_path),
        [Some(409), Some(409), Some(200)]
    );
    assert_eq!(
        statuses(&emulator, "POST", CODES_PATH),
        [Some(409), Some(200)]
    );
    assert_eq!(emulator.records(CODE).expect("entity").len(), 1);

    // An unavailable token endpoint is retried like a throttled one, here for a GET.
    let emulator = start(config().admin("admin@example.com", "secret")).await;
    let client = client_with(
        &emulator,
        Auth::password("admin@example.com", "secret"),
        fast_retries(),
    );
    emulator.inject(Fault::status(503).path(nexudus::SERVICE.token_path));
    emulator.inject(Fault::drop_connection().path(nexudus::SERVICE.token_path));
    let error = client
        .coworker_discount_codes()
        .get(id)
        .await
        .expect_err("none yet");
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    assert_eq!(
        statuses(&emulator, "POST", nexudus::SERVICE.token_path),
        [Some(503), None, Some(200)]
    );
}

#[tokio::test]
async fn a_retry_after_of_one_second_is_waited_then_the_request_succeeds() {
    let emulator =
        start(config().throttle(ThrottleLimits::new().requests(1, Duration::from_millis(900))))
            .await;
    let client = unpaced_admin(&emulator);
    client
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect("1st");
    let started = Instant::now();
    client
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect("2nd, after waiting");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(
        statuses(&emulator, "GET", CODES_PATH),
        [Some(200), Some(409), Some(200)]
    );
    let throttled = emulator
        .requests()
        .into_iter()
        .find(|r| r.status == Some(409));
    assert!(throttled.is_some());
}

/// A throttle window too long for the clock (`Duration::MAX`) throttles the second request
/// with a 409, rather than panicking the handler and dropping the connection.
#[tokio::test]
async fn an_endless_throttle_window_answers_409() {
    let emulator = start(config().throttle(ThrottleLimits::new().requests(1, Duration::MAX))).await;
    let client = unpaced_admin(&emulator);
    let api = client.coworker_discount_codes();
    api.list(&Default::default()).await.expect("1st");
    let error = api.list(&Default::default()).await.expect_err("throttled");
    assert!(matches!(error, Error::Throttled { .. }), "{error:?}");
    assert_eq!(
        statuses(&emulator, "GET", CODES_PATH),
        [Some(200), Some(409)],
        "a Retry-After this long is not waited for"
    );
}

/// HEAD is a GET without the body: it is not a write for throttling, and faults for GET
/// meet it.
#[tokio::test]
async fn head_requests_count_as_reads() {
    let emulator =
        start(config().throttle(ThrottleLimits::new().writes(1, Duration::from_secs(60)))).await;
    let url = format!("{}{CODES_PATH}", emulator.base_url());
    let head = || async {
        reqwest::Client::new()
            .head(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("an answer")
            .status()
            .as_u16()
    };
    assert_eq!((head().await, head().await), (200, 200));
    emulator.inject(Fault::status(503).method(Method::Get));
    assert_eq!(head().await, 503);
    assert_eq!(
        statuses(&emulator, "HEAD", CODES_PATH),
        [Some(200), Some(200), Some(503)]
    );
}

/// A 405 names the method the request used, whatever it is.
#[tokio::test]
async fn a_405_names_the_request_method() {
    let emulator = start(config()).await;
    let answer = reqwest::Client::new()
        .patch(format!("{}{CODES_PATH}", emulator.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 405);
    let body: Value = answer.json().await.expect("JSON");
    let message = body["Message"].as_str().unwrap_or_default();
    assert!(message.contains("'PATCH'"), "{message}");
}

#[tokio::test]
async fn server_errors_are_retried_within_bounds_but_post_is_not() {
    let emulator = start(config()).await;
    emulator
        .insert(
            CREDIT,
            json!({"CoworkerId": 1, "BusinessId": 2, "TotalCredit": 5}),
        )
        .expect("insert");
    let client = admin(&emulator);
    let api = client.coworker_booking_credits();

    emulator.inject(Fault::status(503).method(Method::Get).times(2));
    assert_eq!(
        api.list(&Default::default())
            .await
            .expect("list")
            .total_items,
        1
    );
    assert_eq!(
        statuses(&emulator, "GET", CREDITS_PATH),
        [Some(503), Some(503), Some(200)]
    );

    emulator.clear_requests();
    emulator.inject(Fault::status_with_body(502, "<html>Bad gateway</html>").times(10));
    let error = api.get(1).await.expect_err("gives up");
    assert!(
        matches!(error, Error::Server { status: 502, ref body, .. } if body.contains("Bad gateway")),
        "{error:?}"
    );
    assert_eq!(
        emulator.requests().len(),
        4,
        "the default policy makes 4 attempts"
    );
    emulator.clear_faults();

    // PUT is retried; POST (create, run command) is not.
    emulator.clear_requests();
    emulator.inject(Fault::status(504).method(Method::Put));
    api.modify(1, |u| u.description = Some("retried".into()))
        .await
        .expect("modify");
    assert_eq!(
        statuses(&emulator, "PUT", CREDITS_PATH),
        [Some(504), Some(200)]
    );
    emulator.inject(Fault::status(503).method(Method::Post).times(2));
    let error = api
        .create(&NewCoworkerBookingCredit::new(
            CoworkerId(1),
            BusinessId(2),
            money("1"),
        ))
        .await
        .expect_err("not retried");
    assert!(
        matches!(error, Error::Server { status: 503, .. }),
        "{error:?}"
    );
    let error = api
        .run_command(&RunCommand::new("RECALCULATE", [1]))
        .await
        .expect_err("not retried");
    assert!(
        matches!(error, Error::Server { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(statuses(&emulator, "POST", CREDITS_PATH), [Some(503)]);
    assert_eq!(emulator.records(CREDIT).expect("entity").len(), 1);

    // A 500 without an envelope is not the gateway's: not retried.
    emulator.clear_requests();
    emulator.inject(Fault::status(500));
    assert!(matches!(
        api.get(1).await,
        Err(Error::Server { status: 500, .. })
    ));
    assert_eq!(emulator.requests().len(), 1);
}

#[tokio::test]
async fn slow_answers_and_dropped_connections_are_retried_except_post() {
    let emulator = start(config()).await;
    emulator
        .insert(
            CODE,
            json!({"CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3}),
        )
        .expect("insert");
    let client = emulator
        .client_builder()
        .auth(Auth::bearer(TOKEN))
        .retry(fast_retries())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    emulator.inject(Fault::delay(Duration::from_secs(2)));
    let started = Instant::now();
    assert_eq!(
        client
            .coworker_discount_codes()
            .get(1)
            .await
            .expect("get")
            .id
            .0,
        1
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the retry did not wait for the slow answer"
    );
    assert_eq!(emulator.count("GET", &format!("{CODES_PATH}/1")), 2);

    // A connection closed before the answer is retried like a refused one, except POST.
    emulator.clear_requests();
    emulator.inject(Fault::drop_connection().method(Method::Get));
    assert_eq!(
        client
            .coworker_discount_codes()
            .get(1)
            .await
            .expect("retried")
            .id
            .0,
        1
    );
    assert_eq!(
        statuses(&emulator, "GET", &format!("{CODES_PATH}/1")),
        [None, Some(200)]
    );
    // Dropped with the answer under way: sent again too.
    emulator.clear_requests();
    emulator.inject(Fault::drop_mid_body().method(Method::Get));
    assert_eq!(
        client
            .coworker_discount_codes()
            .get(1)
            .await
            .expect("retried")
            .id
            .0,
        1
    );
    assert_eq!(
        statuses(&emulator, "GET", &format!("{CODES_PATH}/1")),
        [Some(200), Some(200)]
    );
    emulator.inject(Fault::drop_connection().method(Method::Post));
    let error = client
        .coworker_discount_codes()
        .create(&NewCoworkerDiscountCode::new(
            CoworkerId(1),
            BusinessId(2),
            DiscountCodeId(3),
        ))
        .await
        .expect_err("not retried");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(statuses(&emulator, "POST", CODES_PATH), [None]);
}

#[tokio::test]
async fn malformed_and_truncated_bodies_are_decode_errors_never_panics() {
    let emulator = start(config()).await;
    emulator
        .insert(
            CODE,
            json!({"CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3}),
        )
        .expect("insert");
    emulator
        .insert(
            CREDIT,
            json!({"CoworkerId": 1, "BusinessId": 2, "TotalCredit": 5}),
        )
        .expect("insert");
    let client = admin(&emulator);
    let codes_api = client.coworker_discount_codes();
    let credits_api = client.coworker_booking_credits();
    let is_decode = |result: Result<(), Error>| matches!(result, Err(Error::Decode { .. }));

    emulator.inject(Fault::malformed_body());
    assert!(is_decode(
        codes_api.list(&Default::default()).await.map(drop)
    ));
    emulator.inject(Fault::truncated_body());
    assert!(is_decode(codes_api.get(1).await.map(drop)));
    emulator.inject(Fault::truncated_body());
    assert!(is_decode(
        credits_api.list(&Default::default()).await.map(drop)
    ));
    emulator.inject(Fault::malformed_body());
    assert!(is_decode(credits_api.get(1).await.map(drop)));
    emulator.inject(Fault::truncated_body());
    assert!(is_decode(credits_api.commands().await.map(drop)));
    emulator.inject(Fault::malformed_body().method(Method::Post));
    assert!(is_decode(
        codes_api
            .create(&NewCoworkerDiscountCode::new(
                CoworkerId(1),
                BusinessId(2),
                DiscountCodeId(3)
            ))
            .await
            .map(drop)
    ));
    emulator.inject(Fault::truncated_body().method(Method::Put));
    assert!(is_decode(credits_api.modify(1, |_| {}).await.map(drop)));
    emulator.inject(Fault::truncated_body());
    assert!(is_decode(
        credits_api
            .stream(Default::default())
            .try_collect::<Vec<_>>()
            .await
            .map(drop)
    ));
    // Still serving afterwards.
    assert_eq!(codes_api.get(1).await.expect("get").id.0, 1);
}

/// A fault's path meets that path and the paths below it, not longer paths that share its
/// start (`/api/billing/tariffs` is not `/api/billing/tariffsignupproducts`).
#[tokio::test]
async fn a_fault_path_does_not_meet_longer_paths_that_share_its_start() {
    use nexudus::billing::{tariff_signup_products, tariffs};
    let emulator = start(config()).await;
    let client = client_with(&emulator, Auth::bearer(TOKEN), RetryPolicy::none());
    emulator.inject(Fault::status(503).path(tariffs::LIST.path));
    client
        .get_page::<Value>(&tariff_signup_products::LIST, Vec::new())
        .await
        .expect("not the faulted path");
    let error = client
        .get_page::<Value>(&tariffs::LIST, Vec::new())
        .await
        .expect_err("the faulted path");
    assert!(
        matches!(error, Error::Server { status: 503, .. }),
        "{error:?}"
    );
}

/// A truncated or dropped download keeps the file's content type, not JSON's.
#[tokio::test]
async fn a_truncated_download_keeps_its_content_type() {
    use nexudus::content::image_files as images;
    let emulator = start(config()).await;
    let id = emulator
        .insert(images::SCHEMA.name, json!({"Name": "logo"}))
        .expect("insert");
    let bytes: Vec<u8> = (0..=255).collect();
    emulator
        .put_file(images::SCHEMA.name, "Image", id, "image/png", bytes.clone())
        .expect("stored");
    let client = admin(&emulator);
    emulator.inject(Fault::truncated_body());
    let got = client
        .download(&images::DOWNLOAD_IMAGE, id)
        .await
        .expect("a download")
        .expect("a file");
    assert_eq!(got.content_type.as_deref(), Some("image/png"));
    assert_eq!(got.bytes, bytes[..128]);

    // A connection dropped mid-body has sent the file's headers already.
    emulator.inject(Fault::drop_mid_body());
    let answer = reqwest::Client::new()
        .get(format!(
            "{}{}",
            emulator.base_url(),
            images::DOWNLOAD_IMAGE.path.replace("{Id}", &id.to_string())
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the headers");
    assert_eq!(
        answer.headers().get("content-type").map(|t| t.as_bytes()),
        Some(&b"image/png"[..])
    );
    assert!(answer.bytes().await.is_err(), "the body breaks off");
}

// ---------------------------------------------------------------------------------------
// Nothing lost, and concurrency
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn read_change_write_back_keeps_fields_the_client_does_not_know() {
    let emulator = start(config()).await;
    let code = emulator
        .insert(CODE, json!({
            "CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3, "Notes": "old",
            "LoyaltyTier": {"level": 3, "since": "2020-01-01"}, "CustomFields": {"Colour": "red"}
        }))
        .expect("insert");
    let credit = emulator
        .insert(
            CREDIT,
            json!({
                "CoworkerId": 1, "BusinessId": 2, "TotalCredit": 10.25, "RemainingCredit": 4.75,
                "ElegibleTariffs": [7, 8], "FutureFlag": true, "BusinessName": "Main Street"
            }),
        )
        .expect("insert");
    let client = admin(&emulator);

    let record = client
        .coworker_discount_codes()
        .get(code)
        .await
        .expect("get");
    assert_eq!(record.extra["LoyaltyTier"]["level"], 3);
    client
        .coworker_discount_codes()
        .modify(code, |u| u.notes = Some("new".into()))
        .await
        .expect("modify");
    let stored = emulator
        .record(CODE, code)
        .expect("entity")
        .expect("stored");
    assert_eq!(stored["Notes"], "new");
    assert_eq!(
        stored["LoyaltyTier"],
        json!({"level": 3, "since": "2020-01-01"})
    );
    assert_eq!(stored["CustomFields"], json!({"Colour": "red"}));

    // A field the API starts sending tomorrow survives too.
    emulator.inject(Fault::extra_field("AddedTomorrow", json!([1, 2])).method(Method::Get));
    client
        .coworker_booking_credits()
        .modify(credit, |u| u.description = Some("changed".into()))
        .await
        .expect("modify");
    let stored = emulator
        .record(CREDIT, credit)
        .expect("entity")
        .expect("stored");
    assert_eq!(stored["Description"], "changed");
    assert_eq!(stored["FutureFlag"], true);
    assert_eq!(stored["AddedTomorrow"], json!([1, 2]));
    assert_eq!(stored["ElegibleTariffs"], json!([7, 8]));
    assert_eq!(stored["TotalCredit"].to_string(), "10.25");
    assert_eq!(stored["RemainingCredit"].to_string(), "4.75");
    assert_eq!(
        stored["BusinessName"], "Main Street",
        "read-only fields stay"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_creates_and_reads_lose_and_duplicate_nothing() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let tasks: Vec<tokio::task::JoinHandle<nexudus::Result<CoworkerDiscountCodeId>>> = (0..50i64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let api = client.coworker_discount_codes();
                let id = api
                    .create(
                        &NewCoworkerDiscountCode::new(
                            CoworkerId(i),
                            BusinessId(1),
                            DiscountCodeId(2),
                        )
                        .with_notes(format!("task {i}")),
                    )
                    .await?;
                let record = api.get(id).await?;
                assert_eq!(record.notes, Some(format!("task {i}")));
                let listed = api.find_by_ids([id]).await?;
                assert_eq!(listed.records.len(), 1);
                Ok(id)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.expect("no panic").expect("create and read"));
    }
    let unique: HashSet<i64> = ids.iter().map(|id| id.0).collect();
    assert_eq!(unique.len(), 50, "every id once");
    let stored = emulator.records(CODE).expect("entity");
    assert_eq!(stored.len(), 50);
    let notes: HashSet<String> = stored
        .iter()
        .map(|r| r["Notes"].as_str().expect("notes").to_owned())
        .collect();
    assert_eq!(
        notes,
        (0..50).map(|i| format!("task {i}")).collect::<HashSet<_>>()
    );
    let listed: Vec<_> = client
        .coworker_discount_codes()
        .stream(CoworkerDiscountCodeQuery::new().size(7))
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(
        listed.iter().map(|r| r.id.0).collect::<HashSet<_>>(),
        unique
    );
    assert_eq!(listed.len(), 50);

    // An endpoint's `Call` owns what it needs, so it is spawned as it is; `modify` runs on
    // another task too (its future is `Send`).
    let reads: Vec<_> = ids
        .iter()
        .map(|&id| tokio::spawn(client.coworker_discount_codes().get(id)))
        .collect();
    for (read, id) in reads.into_iter().zip(&ids) {
        assert_eq!(read.await.expect("no panic").expect("get").id, *id);
    }
    let (first, other) = (ids[0], client.clone());
    let modified = tokio::spawn(async move {
        // The future borrows the client, not the handle made for it.
        let change = other
            .coworker_discount_codes()
            .modify(first, |u| u.notes = Some("changed".into()));
        change.await
    })
    .await
    .expect("no panic")
    .expect("modify");
    assert_eq!(modified.notes.as_deref(), Some("changed"));
    assert_eq!(
        client
            .coworker_discount_codes()
            .get(first)
            .await
            .expect("get")
            .notes
            .as_deref(),
        Some("changed")
    );
}

#[tokio::test]
async fn a_field_required_on_create_may_still_be_null_in_answers() {
    use nexudus::spaces::visitors::{self, NewVisitor};
    // `Visitor.ExpectedArrival` is `required: true` and `nullable: true` in the spec.
    let field = visitors::SCHEMA.field("ExpectedArrival").expect("field");
    assert!(field.required && field.nullable);
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let api = client.visitors();

    // A record made before the field was required answers null, and decodes.
    let old = emulator
        .insert(
            visitors::SCHEMA.name,
            json!({"BusinessId": 1, "FullName": "Ada", "Email": "ada@example.com",
                   "ExpectedArrival": null}),
        )
        .expect("seed");
    let record = api.get(old).await.expect("a null in an answer decodes");
    assert_eq!(record.expected_arrival, None);

    // A create must set it: `NewVisitor::new` takes it, and a body without it is refused.
    let arrival = dt("2025-03-01T09:30:00Z");
    let id = api
        .create(&NewVisitor::new(
            BusinessId(1),
            "Bob",
            "bob@example.com",
            arrival,
        ))
        .await
        .expect("create");
    assert_eq!(
        api.get(id).await.expect("get").expected_arrival,
        Some(arrival)
    );
    let refused = client
        .send_action(
            &visitors::CREATE,
            None,
            Some(
                &json!({"BusinessId": 1, "FullName": "Cy", "Email": "cy@example.com",
                         "ExpectedArrival": null}),
            ),
        )
        .await
        .expect_err("null for a required field");
    assert!(
        refused
            .validation_errors()
            .iter()
            .any(|e| e.property_name.as_deref() == Some("ExpectedArrival")),
        "{refused:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn seed_files_are_loaded_and_bad_seeds_are_reported() {
    let path = std::env::temp_dir().join(format!("nexudus-seed-{}.json", std::process::id()));
    std::fs::write(
        &path,
        json!({
            CODE: [{"Id": 40, "CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3}],
            CREDIT: [{"CoworkerId": 1, "BusinessId": 2, "TotalCredit": 1.5}]
        })
        .to_string(),
    )
    .expect("write the seed");
    let emulator = start(config().seed_file(&path).first_id(1000)).await;
    let _ = std::fs::remove_file(&path);
    let client = admin(&emulator);
    assert_eq!(
        client
            .coworker_discount_codes()
            .get(40)
            .await
            .expect("seeded")
            .coworker_id
            .0,
        1
    );
    assert_eq!(
        client
            .coworker_booking_credits()
            .get(1000)
            .await
            .expect("seeded")
            .total_credit,
        money("1.5")
    );
    let next = client
        .coworker_discount_codes()
        .create(&NewCoworkerDiscountCode::new(
            CoworkerId(1),
            BusinessId(2),
            DiscountCodeId(3),
        ))
        .await
        .expect("create");
    assert_eq!(next.0, 1000, "ids start at first_id");

    let bad = Emulator::start(EmulatorConfig::new().seed_json(json!({"NoSuchEntity": []}))).await;
    assert!(matches!(bad, Err(EmulatorError::Seed { .. })), "{bad:?}");
    let missing = Emulator::start(EmulatorConfig::new().seed_file("/no/such/seed.json")).await;
    assert!(
        matches!(missing, Err(EmulatorError::Seed { .. })),
        "{missing:?}"
    );
    assert!(matches!(
        emulator.insert("Nope", json!({})),
        Err(EmulatorError::UnknownEntity(_))
    ));
    assert!(matches!(
        emulator.insert(CODE, json!({"Id": "x"})),
        Err(EmulatorError::InvalidRecord(_))
    ));
}

#[tokio::test]
async fn the_server_stops_when_the_handle_is_dropped() {
    let emulator = start(config()).await;
    let client = client_with(&emulator, Auth::bearer(TOKEN), RetryPolicy::none());
    client
        .coworker_discount_codes()
        .list(&Default::default())
        .await
        .expect("serving");
    let addr = emulator.addr();
    drop(emulator);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens any more"
    );
}

#[tokio::test]
async fn debug_output_of_the_emulator_never_shows_secrets() {
    let config = EmulatorConfig::new()
        .admin("admin@example.com", "password-secret")
        .admin_token("configured-token-secret");
    let emulator = start(config.clone()).await;
    // Issue an access token and a refresh token.
    let grant: Value = reqwest::Client::new()
        .post(format!(
            "{}{}",
            emulator.base_url(),
            nexudus::SERVICE.token_path
        ))
        .form(&[
            ("grant_type", "password"),
            ("username", "admin@example.com"),
            ("password", "password-secret"),
        ])
        .send()
        .await
        .expect("a grant")
        .json()
        .await
        .expect("JSON");
    let issued = [&grant["access_token"], &grant["refresh_token"]]
        .map(|token| token.as_str().expect("a token").to_owned());
    for text in [
        format!("{emulator:?}"),
        format!("{emulator:#?}"),
        format!("{config:?}"),
    ] {
        for secret in [
            "password-secret",
            "configured-token-secret",
            &issued[0],
            &issued[1],
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
        assert!(text.contains("admin@example.com"), "{text}");
    }
}

// ---------------------------------------------------------------------------------------
// What schemathesis found (`.ci/schemathesis.sh`): the emulator against the OpenAPI document
// ---------------------------------------------------------------------------------------

/// The property names of a validation failure.
fn failed_properties(error: &Error) -> Vec<String> {
    error
        .validation_errors()
        .iter()
        .map(|e| e.property_name.clone().unwrap_or_default())
        .collect()
}

/// JSON Schema's `integer` admits `7.0`: integer fields, id lists, an update's `Id` and a
/// run command's `Ids` take whole numbers written with a fraction or an exponent, stored as
/// integers. Fractions and numbers beyond `i64` are still refused.
#[tokio::test]
async fn whole_numbers_written_as_floats_are_integers() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let created = client
        .send_action(
            &credits::CREATE,
            None,
            Some(&json!({
                "CoworkerId": 7.0,
                "BusinessId": 2e0,
                "TotalCredit": 384.0,
                "ElegibleResourceTypes": [1.0, 2, -3.0],
                "TariffBookingCreditId": 2216640254734759.0,
            })),
        )
        .await
        .expect("whole floats are integers");
    let id = created.value.expect("a value")["Id"]
        .as_i64()
        .expect("an id");
    let stored = emulator
        .record(CREDIT, id)
        .expect("entity")
        .expect("stored");
    assert_eq!(stored["CoworkerId"], json!(7));
    assert_eq!(stored["BusinessId"], json!(2));
    assert_eq!(stored["ElegibleResourceTypes"], json!([1, 2, -3]));
    assert_eq!(
        stored["TariffBookingCreditId"],
        json!(2_216_640_254_734_759_i64)
    );
    let credit = client
        .coworker_booking_credits()
        .get(id)
        .await
        .expect("the typed client reads it back");
    assert_eq!(credit.coworker_id, CoworkerId(7));

    let updated = client
        .send_action(
            &credits::UPDATE,
            None,
            Some(&json!({"Id": id as f64, "CoworkerId": 8.0, "BusinessId": 2, "TotalCredit": 1})),
        )
        .await
        .expect("an Id written as a float names the record");
    assert!(updated.was_successful);
    assert_eq!(
        emulator
            .record(CREDIT, id)
            .expect("entity")
            .expect("stored")["CoworkerId"],
        json!(8)
    );

    let ran = client
        .send_action(
            &credits::RUN_COMMAND,
            None,
            Some(&json!({"Key": "RECALCULATE", "Ids": [id as f64], "Parameters": []})),
        )
        .await
        .expect("a run command with float ids");
    assert!(ran.was_successful, "{ran:?}");

    // A fraction, and an integer beyond i64 (which serde_json would read as a float that
    // looks like i64::MIN), are not integers.
    let body = br#"{"CoworkerId": 7.5, "BusinessId": -9223372036854775809, "TotalCredit": 1}"#;
    let raw: Value = serde_json::from_slice(body).expect("JSON");
    let error = client
        .send_action(&credits::CREATE, None, Some(&raw))
        .await
        .expect_err("invalid");
    assert_eq!(failed_properties(&error), ["CoworkerId", "BusinessId"]);
}

/// `page` and `size` are whole numbers from 1 (the document's `minimum`); anything else is
/// a 400 naming the parameter. A size above 1000 is a cap, not an error; a page however
/// far beyond the last is an empty page.
#[tokio::test]
async fn paging_values_are_checked_and_sizes_capped() {
    let records: Vec<Value> = (0..3)
        .map(|i| json!({"CoworkerId": i, "BusinessId": 1, "DiscountCodeId": 2}))
        .collect();
    let emulator = start(config().seed_json(json!({ CODE: records }))).await;
    let client = admin(&emulator);
    for (name, value) in [
        ("page", "0"),
        ("page", "-1"),
        ("page", "abc"),
        ("size", "0"),
        ("size", "1.5"),
        ("size", ""),
        ("dir", "sideways"),
    ] {
        let error = client
            .get_page::<Value>(&codes::LIST, vec![(name, value.to_owned())])
            .await
            .expect_err("invalid");
        assert_eq!(failed_properties(&error), [name], "{name}={value}");
    }
    let huge = "99999999999999999999999".to_owned();
    let page = client
        .get_page::<Value>(&codes::LIST, vec![("size", huge.clone())])
        .await
        .expect("a size above the maximum is capped");
    assert_eq!((page.current_page_size, page.records.len()), (1000, 3));
    let page = client
        .get_page::<Value>(&codes::LIST, vec![("page", huge)])
        .await
        .expect("a page beyond the last");
    assert!(page.records.is_empty() && page.total_items == 3);
    for dir in ["1", "-1", "ascending", "Descending"] {
        client
            .get_page::<Value>(&codes::LIST, vec![("dir", dir.to_owned())])
            .await
            .unwrap_or_else(|e| panic!("dir={dir}: {e}"));
    }
    // An unknown orderBy is ignored, as the document's schema (no enum) allows.
    let page = client
        .get_page::<Value>(&codes::LIST, vec![("orderBy", "NoSuchField".to_owned())])
        .await
        .expect("an unknown orderBy");
    assert_eq!(page.current_order_field.as_deref(), Some("Id"));
}

/// A list parameter given twice is a 400 naming it: which value the API would use is not
/// documented (schemathesis sends `orderBy=null&orderBy=null` as a value of the wrong type).
#[tokio::test]
async fn a_list_parameter_given_twice_is_refused() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    for name in [
        "orderBy",
        "page",
        "CoworkerDiscountCode_Coworker",
        "CoworkerDiscountCode_Id",
    ] {
        let value = if name.ends_with("_Id") { "[1]" } else { "1" };
        let error = client
            .get_page::<Value>(
                &codes::LIST,
                vec![(name, value.to_owned()), (name, value.to_owned())],
            )
            .await
            .expect_err("repeated");
        assert_eq!(failed_properties(&error), [name]);
        assert_eq!(
            error.validation_errors()[0].attempted_value,
            Some(json!([value, value]))
        );
    }
}

/// Parameter names ignore case, as ASP.NET binds them: 003 writes `orderby` and `From_`.
#[tokio::test]
async fn list_parameter_names_ignore_case() {
    let records: Vec<Value> = [
        "2025-03-01T00:00:00Z",
        "2025-01-01T00:00:00Z",
        "2025-02-01T00:00:00Z",
    ]
    .iter()
    .enumerate()
    .map(|(i, created)| {
        json!({"Id": i + 1, "CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3,
               "CreatedOn": created})
    })
    .collect();
    let emulator = start(config().seed_json(json!({ CODE: records }))).await;
    let client = admin(&emulator);
    let ids = |query: Vec<(&'static str, String)>| {
        let client = &client;
        async move {
            client
                .get_page::<Value>(&codes::LIST, query)
                .await
                .expect("a page")
                .records
                .iter()
                .map(|r| r["Id"].as_i64().expect("an id"))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(vec![("orderby", "CreatedOn".into())]).await, [2, 3, 1]);
    assert_eq!(
        ids(vec![(
            "From_CoworkerDiscountCode_CreatedOn",
            "2025-02-01T00:00".into()
        )])
        .await,
        [1, 3]
    );
    assert_eq!(
        ids(vec![("coworkerdiscountcode_id", "[2]".into())]).await,
        [2],
        "a lower-case ids parameter is find by ids"
    );
    let error = client
        .get_page::<Value>(
            &codes::LIST,
            vec![("page", "1".into()), ("Page", "2".into())],
        )
        .await
        .expect_err("repeated");
    assert_eq!(failed_properties(&error), ["page"]);
    assert_eq!(
        error.validation_errors()[0].attempted_value,
        Some(json!(["1", "2"]))
    );
}

/// Find by ids takes the documents' form `[1,2]` (and `[]`, `[-1]`, as the client writes
/// any `&[i64]`), not a bare `1`; ids beyond `i64` match no record.
#[tokio::test]
async fn find_by_ids_takes_the_documented_form_only() {
    let records: Vec<Value> = (1..=3)
        .map(|i| json!({"Id": i, "CoworkerId": i, "BusinessId": 1, "DiscountCodeId": 2}))
        .collect();
    let emulator = start(config().seed_json(json!({ CODE: records }))).await;
    let client = admin(&emulator);
    let find = |ids: &str| {
        client.get_page::<Value>(
            &codes::FIND_BY_IDS,
            vec![("CoworkerDiscountCode_Id", ids.to_owned())],
        )
    };
    let ids = |page: nexudus::Page<Value>| -> Vec<i64> {
        page.records
            .iter()
            .map(|r| r["Id"].as_i64().expect("an id"))
            .collect()
    };
    assert_eq!(ids(find("[1,3]").await.expect("found")), [1, 3]);
    assert_eq!(
        ids(find("[2,99999999999999999999]").await.expect("found")),
        [2]
    );
    assert!(ids(find("[]").await.expect("no ids")).is_empty());
    for invalid in ["1", "1,2", "[1, 2]", "[x]"] {
        let error = find(invalid).await.expect_err(invalid);
        assert_eq!(
            failed_properties(&error),
            ["CoworkerDiscountCode_Id"],
            "{invalid}"
        );
    }
}

/// An update whose `Id` no record has is 404, which the document now lists for PUT.
#[tokio::test]
async fn an_update_of_a_missing_record_is_404() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let error = client
        .send_action(
            &codes::UPDATE,
            None,
            Some(&json!({"Id": 42, "CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3})),
        )
        .await
        .expect_err("no such record");
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}

// ---------------------------------------------------------------------------------------
// Regressions found in review
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn find_by_ids_gets_more_ids_than_a_default_page_and_none_without_a_request() {
    let emulator = start(config()).await;
    let api_client = admin(&emulator);
    let api = api_client.coworker_discount_codes();
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            api.create(&NewCoworkerDiscountCode::new(
                CoworkerId(i),
                BusinessId(1),
                DiscountCodeId(2),
            ))
            .await
            .expect("create"),
        );
    }
    // The API's default page is 25 records: the client asks for a page holding all 30.
    let page = api.find_by_ids(&ids).await.expect("find by ids");
    let mut found: Vec<CoworkerDiscountCodeId> = page.records.iter().map(|r| r.id).collect();
    found.sort_unstable();
    assert_eq!(found, ids);
    assert!(!page.has_next_page);

    emulator.clear_requests();
    let none = api
        .find_by_ids(Vec::<CoworkerDiscountCodeId>::new())
        .await
        .expect("no ids");
    assert!(none.records.is_empty());
    assert!(emulator.requests().is_empty(), "no ids, no request");
}

#[tokio::test]
async fn a_retried_delete_that_finds_the_record_gone_succeeds() {
    let emulator = start(config()).await;
    let client = admin(&emulator);
    let api = client.coworker_discount_codes();
    let id = api
        .create(&NewCoworkerDiscountCode::new(
            CoworkerId(1),
            BusinessId(2),
            DiscountCodeId(3),
        ))
        .await
        .expect("create");
    // The first attempt's answer is lost after the record was deleted: delete it behind the
    // client's back, then make the client's first attempt fail.
    let url = format!("{}{}/{id}", emulator.base_url(), CODES_PATH);
    let status = reqwest::Client::new()
        .delete(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("delete")
        .status();
    assert!(status.is_success());
    emulator.inject(Fault::status(503).method(Method::Delete).times(1));
    api.delete(id)
        .await
        .expect("the retry's 404 means the delete took effect");
    // Without a lost answer, a 404 is still an error.
    assert!(matches!(api.delete(id).await, Err(Error::NotFound { .. })));
}

/// A delete takes the record's files with it: a record stored again under the same id has
/// none.
#[tokio::test]
async fn a_deleted_record_takes_its_files_with_it() {
    use nexudus::content::image_files as images;
    let emulator = start(config()).await;
    let id = emulator
        .insert(images::SCHEMA.name, json!({"Name": "logo"}))
        .expect("insert");
    emulator
        .put_file(images::SCHEMA.name, "Image", id, "image/png", vec![1, 2, 3])
        .expect("stored");
    let client = admin(&emulator);
    client
        .send_action::<()>(&images::DELETE, Some(id), None)
        .await
        .expect("delete");
    emulator
        .insert(images::SCHEMA.name, json!({"Id": id, "Name": "another"}))
        .expect("insert again");
    let file = client
        .download(&images::DOWNLOAD_IMAGE, id)
        .await
        .expect("a download");
    assert_eq!(file, None);
}

// ---------------------------------------------------------------------------------------
// Inline children: a booking's products, created with it.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_bookings_inline_products_become_linked_records_and_an_update_replaces_them() {
    use nexudus::spaces::booking_products::{BookingProductFilter, BookingProductQuery};
    use nexudus::spaces::bookings::{InlineBookingProduct, InlineBookingVisitor, NewBooking};

    let emulator = start(config()).await;
    let client = admin(&emulator);
    let products_of = |booking: i64| {
        let records = emulator.records("BookingProduct").expect("a table");
        let mut linked: Vec<(i64, i64)> = records
            .iter()
            .filter(|r| r["BookingId"] == json!(booking))
            .map(|r| {
                (
                    r["ProductId"].as_i64().unwrap(),
                    r["Quantity"].as_i64().unwrap(),
                )
            })
            .collect();
        linked.sort_unstable();
        linked
    };

    let body = NewBooking::new(7, dt("2025-03-01T09:00:00Z"), dt("2025-03-01T10:00:00Z"))
        .with_booking_products([
            InlineBookingProduct::new(ProductId(21), 2).with_invoice_in_minutes(true),
            InlineBookingProduct::new(ProductId(22), 1),
        ])
        .with_booking_visitors([InlineBookingVisitor::new()
            .with_visitor_full_name("Ada Lovelace")
            .with_visitor_email("ada@example.com")]);
    // On the wire: an array of objects with only the properties set.
    let sent = serde_json::to_value(&body).expect("serializes");
    assert_eq!(
        sent["BookingProducts"],
        json!([{"ProductId": 21, "Quantity": 2, "InvoiceInMinutes": true}, {"ProductId": 22, "Quantity": 1}])
    );
    let booking = client.bookings().create(&body).await.expect("created");
    assert_eq!(products_of(booking.0), [(21, 2), (22, 1)]);
    let visitors = emulator.records("BookingVisitor").expect("a table");
    assert_eq!(visitors.len(), 1);
    assert_eq!(visitors[0]["BookingId"], json!(booking.0));
    assert_eq!(visitors[0]["VisitorEmail"], json!("ada@example.com"));

    // The element entity serves them like any record, filtered by the parent.
    let page = client
        .booking_products()
        .list(&BookingProductQuery::new().filter(BookingProductFilter::Booking(booking)))
        .await
        .expect("listed");
    assert_eq!(page.total_items, 2);

    // Answers never carry the array, so an update made from the record leaves it out and
    // the products stay; one that sets it replaces them.
    let kept = client
        .bookings()
        .modify(booking, |b| b.notes = Some("moved".into()))
        .await
        .expect("updated");
    assert!(kept.booking_products.is_none());
    assert_eq!(products_of(booking.0), [(21, 2), (22, 1)]);
    client
        .bookings()
        .modify(booking, |b| {
            b.booking_products = Some(vec![InlineBookingProduct::new(ProductId(23), 5)])
        })
        .await
        .expect("updated");
    assert_eq!(products_of(booking.0), [(23, 5)]);

    // An element without a required property is refused, naming it.
    let bad = json!({
        "ResourceId": 7, "FromTime": "2025-03-01T09:00:00Z", "ToTime": "2025-03-01T10:00:00Z",
        "BookingProducts": [{"ProductId": 21}]
    });
    let error = client
        .send_action(&nexudus::spaces::bookings::CREATE, None, Some(&bad))
        .await
        .expect_err("refused");
    let Error::Validation { errors, .. } = error else {
        panic!("{error:?}");
    };
    assert_eq!(
        errors[0].property_name.as_deref(),
        Some("BookingProducts[0].Quantity")
    );
    emulator.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Pacing: a client that knows the limits does not meet them.
// ---------------------------------------------------------------------------------------

/// How many answers of the emulator were throttled.
fn throttled_answers(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.status == Some(409))
        .count()
}

#[tokio::test]
async fn clones_and_tasks_share_one_pace_and_meet_no_limit() {
    // The documented limits, and clients paced to them by `client_builder`.
    let emulator = start(config().throttle(ThrottleLimits::documented())).await;
    let client = admin(&emulator);
    let started = Instant::now();
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            // Each task its own clone, as a user would pass them around.
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..4 {
                    client
                        .coworker_discount_codes()
                        .list(&Default::default())
                        .await
                        .expect("never an error");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("the task ends");
    }
    // 12 requests at most one per 100 ms: at least 1.1 s, and none throttled.
    assert!(
        started.elapsed() >= Duration::from_millis(1100),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(throttled_answers(&emulator), 0);
    let stats = client.pacing_stats();
    assert_eq!((stats.requests, stats.throttled), (12, 0));
    assert!(stats.delayed >= 11, "{stats:?}");

    // Separate clients do not share a pace: together they meet the limit.
    emulator.clear_requests();
    let (a, b) = (admin(&emulator), admin(&emulator));
    let (ra, rb) = tokio::join!(
        a.coworker_discount_codes().list(&Default::default()),
        b.coworker_discount_codes().list(&Default::default()),
    );
    ra.expect("retried within the budget");
    rb.expect("retried within the budget");
    assert!(
        throttled_answers(&emulator) >= 1,
        "{:?}",
        emulator.requests()
    );
    emulator.shutdown().await;
}

/// Limits stricter than the client was told (another integration on the account): each
/// throttled answer slows the client, so fewer are throttled than without adapting, and
/// no request fails.
#[tokio::test]
async fn a_throttled_answer_slows_the_client_and_no_request_fails() {
    let strict = ThrottleLimits::new()
        .requests(1, Duration::from_millis(260))
        .retry_after(Duration::ZERO);
    let run = |adaptive: bool| {
        let strict = strict.clone();
        async move {
            let emulator = start(config().throttle(strict)).await;
            let client = emulator
                .client_builder()
                .auth(Auth::bearer(TOKEN))
                .retry(fast_retries().max_attempts(8))
                // The client thinks the limit is the documented one per 100 ms.
                .pacing(Pacing::default().adaptive(adaptive))
                .build()
                .expect("a client");
            for n in 0..12 {
                client
                    .coworker_discount_codes()
                    .list(&Default::default())
                    .await
                    .unwrap_or_else(|e| panic!("request {n}: {e}"));
            }
            let throttled = throttled_answers(&emulator);
            assert_eq!(client.pacing_stats().throttled, throttled as u64);
            emulator.shutdown().await;
            throttled
        }
    };
    let fixed = run(false).await;
    let adaptive = run(true).await;
    eprintln!("throttled answers: fixed pace {fixed}, adaptive {adaptive}");
    assert!(
        adaptive * 2 <= fixed,
        "adaptive pacing was throttled {adaptive} times, fixed {fixed}"
    );
}

#[tokio::test]
async fn concurrent_creates_at_the_write_limit_all_succeed_without_a_throttled_answer() {
    // Writes limited to 5 a second here (60 a minute in the documented limits), so the
    // test is quick; the client is paced to the emulator's limits.
    let limits = ThrottleLimits::new()
        .requests(1, Duration::from_millis(20))
        .writes(5, Duration::from_secs(1));
    let emulator = start(config().throttle(limits)).await;
    let client = admin(&emulator);
    let started = Instant::now();
    let tasks: Vec<_> = (0..4)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                for n in 0..3 {
                    let body = NewCoworkerDiscountCode::new(
                        CoworkerId(100 + task),
                        BusinessId(1),
                        DiscountCodeId(n + 1),
                    );
                    client
                        .coworker_discount_codes()
                        .create(&body)
                        .await
                        .expect("created");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("the task ends");
    }
    assert_eq!(emulator.records(CODE).expect("a table").len(), 12);
    assert_eq!(throttled_answers(&emulator), 0);
    // 12 writes at 5 a second: the last waits for two windows to pass.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_current_user_is_who_the_credentials_belong_to() {
    let emulator = start(config().admin("ada@example.com", "secret")).await;
    let client = client_with(
        &emulator,
        Auth::password("ada@example.com", "secret"),
        fast_retries(),
    );
    let me = client.current_user().await.expect("signed in");
    assert_eq!(me["FullName"], "ada@example.com");
    assert!(me.contains_key("DefaultBusinessId"));
    let nobody = client_with(&emulator, Auth::bearer("wrong"), fast_retries());
    let error = nobody.current_user().await.expect_err("refused");
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    emulator.shutdown().await;
}
