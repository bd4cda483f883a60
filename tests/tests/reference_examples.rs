//! The check of the API reference's JSON examples (`nexudus_tests::reference`), on small
//! pages written here in the reference's GitBook markup: the reference itself is not in the
//! repository, and CI has no network. `cargo run -p nexudus-tests --example
//! reference_examples -- <rest-api folder>` runs the same check on the real pages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use nexudus_tests::reference::decode::{self, DecodeFailure, EntityTypes};
use nexudus_tests::reference::extract::{Shows, blocks};
use nexudus_tests::reference::repair::{Repair, parse};
use nexudus_tests::reference::report::{Tally, check_folder, entity_of};
use serde_json::{Value, json};

// --- GitBook markup, as the reference pages write it -------------------------------------

const HOST: &str = "https://spaces.nexudus.com/api";

/// An endpoint block with its answers, each `(HTTP status, example text)`.
fn endpoint(method: &str, path: &str, summary: &str, answers: &[(u16, &str)]) -> String {
    let mut out = format!(
        "{{% api-method method=\"{method}\" host=\"{HOST}\" path=\"{path}\" %}}\n\
         {{% api-method-summary %}}\n{summary}\n{{% endapi-method-summary %}}\n\n\
         {{% api-method-description %}}\nWhat {summary} does, in a sentence.\n\
         {{% endapi-method-description %}}\n\n\
         {{% api-method-spec %}}\n{{% api-method-request %}}\n\
         {{% api-method-headers %}}\n\
         {{% api-method-parameter name=\"Authorization\" type=\"string\" required=true %}}\n\
         A bearer or basic token.\n{{% endapi-method-parameter %}}\n\
         {{% endapi-method-headers %}}\n{{% endapi-method-request %}}\n\n\
         {{% api-method-response %}}\n"
    );
    for (status, example) in answers {
        out.push_str(&format!(
            "{{% api-method-response-example httpCode={status} %}}\n\
             {{% api-method-response-example-description %}}\n\n\
             {{% endapi-method-response-example-description %}}\n\n\
             ```javascript\n{example}\n```\n\
             {{% endapi-method-response-example %}}\n\n"
        ));
    }
    out.push_str(
        "{% endapi-method-response %}\n{% endapi-method-spec %}\n{% endapi-method %}\n\n\
         > 🔒 Requires user role `thing-list`\n\n",
    );
    out
}

/// A request body shown after its endpoint, outside it.
fn body(example: &str) -> String {
    format!("```javascript\n{example}\n```\n\n")
}

/// The commands section's quoted sketch.
fn sketch(example: &str) -> String {
    let quoted: Vec<String> = example.lines().map(|l| format!("> {l}")).collect();
    format!(
        "## Commands\n\nA command runs on one record or many.\n\n> ```javascript\n{}\n> ```\n\n",
        quoted.join("\n")
    )
}

const LIST: &str = "/billing/tariffbookingcredits";

/// A page for `TariffBookingCredit`, with one example of each kind and each repair the check
/// makes; the comments say what each example is for.
fn tariff_booking_credit_page() -> String {
    let mut page = String::from("\u{feff}");
    // A list page: an enumeration by .NET name, a trailing comma and a doubled `}],`. The
    // list record decodes; `Id` and `UniqueId` are supplied.
    page += &endpoint(
        "get",
        LIST,
        "Find",
        &[(
            200,
            r#"{
    "Records": [{
        "Name": "Member hours",
        "Tariff": null,
        "Credit": 25.5,
        "ServiceRenewalTime": Nexudus.Coworking.Core.Enums.eTimeSpanWeekMonth.Week,
        "TariffBookingCreditTariffName": "...",
    }],
    }],
    "CurrentPageSize": 10,
    "CurrentPage": 1,
    "CurrentOrderField": "Name",
    "CurrentSortDirection": 1,
    "FirstItem": 1,
    "HasNextPage": false,
    "HasPreviousPage": false,
    "LastItem": 1,
    "TotalItems": 1,
    "TotalPages": 1
}"#,
        )],
    );
    // A list page whose record has a placeholder of the wrong type: a decode failure.
    page += &endpoint(
        "get",
        &format!("{LIST}?TariffBookingCredit_Id=[:id1,:id2,...]"),
        "List by Ids",
        &[
            (
                200,
                r#"{
    "Records": [{"Name": "Day passes", "Credit": false}],
    "CurrentPageSize": 10, "CurrentPage": 1, "FirstItem": 1, "LastItem": 1,
    "TotalItems": 1, "TotalPages": 1, "HasNextPage": false, "HasPreviousPage": false
}"#,
            ),
            (404, "\"Not found\""),
        ],
    );
    // A list page the check cannot read: a date split in two.
    page += &endpoint(
        "get",
        LIST,
        "By date or number range",
        &[(
            200,
            "{\n    \"Records\": [{\n        \"UpdatedOn\": \"2020-02-03\" 10:00\n    }]\n}",
        )],
    );
    // Get one: the related record shown instead of its id, and a capitalised `False`.
    page += &endpoint(
        "get",
        &format!("{LIST}/:id"),
        "One by Id",
        &[
            (
                200,
                r#"{
        "Name": "Member hours",
        "Tariff": null,
        "Credit": 10,
        "CaneBeUsedForEvents": False
}"#,
            ),
            (404, "\"Not found\""),
        ],
    );
    // Create: the action envelope (a trailing comma), a validation failure as it is, and
    // an error body that has no type; then the body, with annotations and leading zeros.
    page += &endpoint(
        "post",
        LIST,
        "Create",
        &[
            (
                200,
                r#"{
    "Status": 200,
    "WasSuccessful": true,
    "Message": "The credit was created.",
    "Value": {
        "Id": 42,
    }
}"#,
            ),
            (
                400,
                r#"{"Status": 400, "Message": "Name: required", "Value": null, "WasSuccessful": false,
 "Errors": [{"AttemptedValue": null, "Message": "required", "PropertyName": "Name"}]}"#,
            ),
            (500, r#"{"Message": "Something broke."}"#),
        ],
    );
    page += &body(
        r#"{
	"Name": "Monthly hours",
	"TariffId": 7,
	"EventCategories": [3, 4] (replaces entire list),
	"Credit": 00040,
	"ServiceRenewalTime": 2 (check the values below),
}"#,
    );
    // Update: an envelope with a string left open; then the body, JSON as it is.
    page += &endpoint(
        "put",
        LIST,
        "Update",
        &[(
            200,
            "{\n    \"Status\": 200,\n    \"WasSuccessful\": true,\n    \"Message\": \"The credit was updated,\n    \"Value\": {\"Id\": 9}\n}",
        )],
    );
    page += &body(
        r#"{"Id": 9, "Name": "Weekly hours", "TariffId": 7, "Credit": 12, "ServiceRenewalTime": 1}"#,
    );
    page += &endpoint(
        "delete",
        &format!("{LIST}/:id"),
        "Delete",
        &[(
            200,
            r#"{"Status": 200, "WasSuccessful": true, "Message": "Deleted.", "Value": null, "Errors": null}"#,
        )],
    );
    // The commands: a sketch with alternatives, then the list with a missing comma and `...`.
    page += &sketch("{\n    \"AppliesOnlyToOneEntity\": false|true,\n    ...\n}");
    page += &endpoint(
        "get",
        &format!("{LIST}/commands"),
        "Commands",
        &[(
            200,
            r#"[
    {
        "Key": "RENEW_NOW",
        "Name": "Renew the credit now",
        "NeedsEntitiesToRun": true
        "Order": 1
    },
    ...
]"#,
        )],
    );
    page += &endpoint(
        "get",
        &format!("{LIST}/runcommand"),
        "Run Command",
        &[(
            200,
            r#"{"Status": 500 or 200, "Message": "It ran.", "Value": null, "WasSuccessful": false}"#,
        )],
    );
    page += &endpoint(
        "get",
        &format!("{LIST}/getfiledata/:id"),
        "FileData",
        &[(200, "Binary stream or null")],
    );
    page += "## Related Entities\n* [Tariff](tariff.md)\n";
    page
}

/// A page of no entity, like `spaces/access-control.md`: its envelope is still checked.
fn front_desk_page() -> String {
    endpoint(
        "post",
        "public/frontdesk",
        "By badge",
        &[(
            200,
            r#"{"Status": 200, "Message": "Welcome", "Value": {"Until": "2020-01-01T18:00:00"}, "WasSuccessful": true,}"#,
        )],
    )
}

fn write_folder(name: &str, pages: &[(&str, String)]) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("reference-examples-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in pages {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a page is in a folder"))
            .expect("the test can write its folder");
        std::fs::write(path, text).expect("the test can write its page");
    }
    root
}

fn entity(name: &str) -> EntityTypes {
    decode::entity_types()
        .into_iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("{name} is in the spec"))
}

// --- finding the examples -----------------------------------------------------------------

#[test]
fn blocks_are_found_with_what_they_show() {
    let found: Vec<(Shows, Option<u16>, bool)> = blocks(&tariff_booking_credit_page())
        .iter()
        .map(|b| (b.shows, b.status, b.is_example()))
        .collect();
    assert_eq!(
        found,
        [
            (Shows::Page, Some(200), true),
            (Shows::Page, Some(200), true),
            (Shows::Unknown, Some(404), false),
            (Shows::Page, Some(200), true),
            (Shows::Record, Some(200), true),
            (Shows::Unknown, Some(404), false),
            (Shows::Action, Some(200), true),
            (Shows::Action, Some(400), true),
            (Shows::ErrorBody, Some(500), true),
            (Shows::CreateBody, None, true),
            (Shows::Action, Some(200), true),
            (Shows::UpdateBody, None, true),
            (Shows::Action, Some(200), true),
            (Shows::Sketch, None, true),
            (Shows::Commands, Some(200), true),
            (Shows::Action, Some(200), true),
            (Shows::Unknown, Some(200), false),
        ]
    );
}

#[test]
fn a_block_keeps_its_line_endpoint_and_text() {
    let page = tariff_booking_credit_page();
    let all = blocks(&page);
    let lines: Vec<&str> = page.lines().collect();
    for block in &all {
        assert!(
            lines[block.line - 1]
                .trim_start_matches(['>', ' '])
                .starts_with("```"),
            "line {} opens a fence",
            block.line
        );
    }
    let get_one = &all[4];
    assert_eq!(
        get_one.endpoint.as_deref(),
        Some("get /billing/tariffbookingcredits/:id")
    );
    assert!(get_one.text.starts_with("{\n        \"Name\""));
    // A quoted block loses its quote marks.
    let sketch = all
        .iter()
        .find(|b| b.shows == Shows::Sketch)
        .expect("a sketch");
    assert_eq!(
        sketch.text,
        "{\n    \"AppliesOnlyToOneEntity\": false|true,\n    ...\n}"
    );
}

// --- repairs ------------------------------------------------------------------------------

fn no_enums(_: &str, _: &str) -> Option<i64> {
    None
}

/// Parses with repairs; the JSON as a value and the repairs made.
fn repaired(text: &str) -> (Value, BTreeSet<Repair>) {
    let lookup = |name: &str, value: &str| match (name, value) {
        ("eTimeSpanWeekMonth", "Year") => Some(4),
        ("DayOfWeek", "Friday") => Some(5),
        _ => None,
    };
    let parsed = parse(text, &lookup).unwrap_or_else(|e| panic!("{text:?} parses: {e}"));
    let value = serde_json::from_str(&parsed.json).expect("the parser writes JSON");
    (value, parsed.repairs)
}

fn set(repairs: &[Repair]) -> BTreeSet<Repair> {
    repairs.iter().copied().collect()
}

#[test]
fn json_is_taken_as_it_is() {
    let text = "{\"a\": [1, 2.50, \"x, ] (y)\"], \"b\": {\"c\": null}}";
    let parsed = parse(text, &no_enums).expect("JSON parses");
    assert_eq!(parsed.json, text);
    assert!(parsed.repairs.is_empty());
}

#[test]
fn each_repair_makes_json_of_what_the_page_wrote() {
    use Repair::*;
    let cases: &[(&str, Value, &[Repair])] = &[
        ("{\"a\": 1,\n}", json!({"a": 1}), &[TrailingComma]),
        ("[1, 2, ]", json!([1, 2]), &[TrailingComma]),
        (
            "{\n  \"Records\": [{\n    \"N\": 1\n  }],\n  }],\n  \"Total\": 1\n}",
            json!({"Records": [{"N": 1}], "Total": 1}),
            &[DoubledClose],
        ),
        (
            "{\n  \"a\": true\n  \"b\": false\n}",
            json!({"a": true, "b": false}),
            &[MissingComma],
        ),
        (
            "{\n  \"Message\": \"Saved the record,\n  \"Value\": null\n}",
            json!({"Message": "Saved the record", "Value": null}),
            &[UnclosedString],
        ),
        (
            "{\n  \"Ids\": [1, 2] (replaces entire list),\n  \"Kind\": 1 (see the values below)\n}",
            json!({"Ids": [1, 2], "Kind": 1}),
            &[Annotation],
        ),
        (
            "[\n  {\"Key\": \"A\"},\n  ...\n]",
            json!([{"Key": "A"}]),
            &[Ellipsis],
        ),
        (
            "{\"Status\": 500 or 200, \"On\": false|true}",
            json!({"Status": 500, "On": false}),
            &[Alternatives],
        ),
        (
            "{\n  \"When\": ,\n  \"Then\": \n}",
            json!({"When": null, "Then": null}),
            &[MissingValue],
        ),
        (
            "{\n  \"Last\":\n  \"Next\": 2\n}",
            json!({"Last": null, "Next": 2}),
            &[MissingValue, MissingComma],
        ),
        (
            "{\"By\": Posted By, \"Rule\": Cancel After # renewals}",
            json!({"By": null, "Rule": null}),
            &[Placeholder],
        ),
        (
            "{\"R\": Nexudus.Coworking.Core.Enums.eTimeSpanWeekMonth.Year, \"D\": DayOfWeek.Friday}",
            json!({"R": 4, "D": 5}),
            &[EnumName],
        ),
        (
            "{\"From\": DateTime.Parse(\"2021-03-04 09:30\")}",
            json!({"From": "2021-03-04 09:30"}),
            &[DotNetDate],
        ),
        (
            "{\"On\": True, \"Off\": FALSE, \"No\": Null}",
            json!({"On": true, "Off": false, "No": null}),
            &[CapitalisedLiteral],
        ),
        (
            "{\"Size\": 0007, \"Price\": 00.5, \"Zero\": 000}",
            json!({"Size": 7, "Price": 0.5, "Zero": 0}),
            &[LeadingZeros],
        ),
        (
            "{\"Day\": 2021-03-04, \"At\": 2021-03-04 10:15, \"T\": 2021-03-04T10:15:00}",
            json!({"Day": "2021-03-04", "At": "2021-03-04 10:15", "T": "2021-03-04T10:15:00"}),
            &[BareDate],
        ),
    ];
    for (text, json, repairs) in cases {
        assert_eq!(repaired(text), (json.clone(), set(repairs)), "{text}");
    }
    // Every repair is covered above.
    let covered: BTreeSet<Repair> = cases
        .iter()
        .flat_map(|(_, _, r)| r.iter().copied())
        .collect();
    assert_eq!(covered, Repair::ALL.into_iter().collect());
}

#[test]
fn repairs_leave_strings_alone() {
    let (value, repairs) = repaired("{\"Text\": \"a, } ] (note) ... 007 True\",\n}");
    assert_eq!(value, json!({"Text": "a, } ] (note) ... 007 True"}));
    assert_eq!(repairs, set(&[Repair::TrailingComma]));
}

#[test]
fn what_cannot_be_repaired_is_unparseable_with_its_place() {
    let cases = [
        (
            "{\n  \"To\": \"2020-01-01\" 10:00\n}",
            (2, 22),
            "expected `,`",
        ),
        ("{\"a\": 1 \"b\": 2}", (1, 9), "expected `,`"),
        ("{\n  \"a\": @@\n}", (2, 8), "`@@` is not a value"),
        (
            "{\"a\": [1, 2}",
            (1, 12),
            "expected `,` or a closing bracket",
        ),
        ("{\"a\": 1", (1, 8), "never closed"),
        ("{\"a\": 1} {}", (1, 10), "text after"),
        (
            "{\"R\": Nexudus.Coworking.Core.Enums.eTimeSpanWeekMonth.Fortnight}",
            (1, 7),
            "no value `Fortnight` of an enumeration `eTimeSpanWeekMonth`",
        ),
    ];
    let lookup =
        |name: &str, value: &str| (name == "eTimeSpanWeekMonth" && value == "Year").then_some(4);
    for (text, (line, column), message) in cases {
        let error = parse(text, &lookup).expect_err(text);
        assert_eq!(
            (error.line, error.column),
            (line, column),
            "{text}: {error}"
        );
        assert!(error.message.contains(message), "{text}: {error}");
    }
}

// --- decoding -------------------------------------------------------------------------------

#[test]
fn the_dispatch_table_has_every_entity_in_order() {
    let names: Vec<&str> = decode::entity_types().iter().map(|e| e.name).collect();
    let expected: Vec<&str> = nexudus::ENTITIES.iter().map(|e| e.name).collect();
    assert_eq!(names, expected);
    for e in decode::entity_types() {
        assert_eq!(e.schema.name, e.name);
    }
}

#[test]
fn enumerations_are_found_by_their_api_name() {
    let entities = decode::entity_types();
    let enums = decode::enums(&entities);
    let renewal = enums["eTimeSpanWeekMonth"];
    assert_eq!(renewal.value_of("TariffMonth"), Some(3));
    assert!(enums.contains_key("DayOfWeek"));
}

#[test]
fn fields_not_shown_are_the_base_fields_and_for_updates_the_create_only_ones() {
    let credit = entity("TariffBookingCredit");
    assert_eq!(
        decode::not_shown(&credit.schema, Shows::Record),
        ["Id", "UniqueId"]
    );
    assert_eq!(
        decode::not_shown(&credit.schema, Shows::Page),
        ["Id", "UniqueId"]
    );
    assert_eq!(
        decode::not_shown(&credit.schema, Shows::CreateBody),
        ["Id", "UniqueId"]
    );
    let use_history = entity("CoworkerBookingCreditUseHistory");
    assert_eq!(
        decode::not_shown(&use_history.schema, Shows::UpdateBody),
        ["Id", "UniqueId", "CreditUsed"]
    );
}

fn failures(shows: Shows, json: &str, entity: &EntityTypes) -> Vec<DecodeFailure> {
    decode::decode(shows, json, Some(entity))
        .expect("records have a type")
        .failures
}

#[test]
fn a_record_decodes_with_its_base_fields_supplied() {
    let credit = entity("TariffBookingCredit");
    let json = r#"{"Name": "Hours", "TariffId": 3, "Credit": 2.5, "ServiceRenewalTime": 9}"#;
    let decoded = decode::decode(Shows::Record, json, Some(&credit)).expect("a record");
    assert_eq!(decoded.failures, []);
    assert_eq!(decoded.supplied, ["Id", "UniqueId"]);
    // Given, they are not supplied, and a wrong one fails.
    let json = r#"{"Id": "x", "UniqueId": "00000000-0000-0000-0000-000000000001", "Name": "Hours", "TariffId": 3, "Credit": 2.5}"#;
    let decoded = decode::decode(Shows::Record, json, Some(&credit)).expect("a record");
    assert_eq!(decoded.supplied, Vec::<&str>::new());
    assert_eq!(decoded.failures.len(), 1);
    assert_eq!(decoded.failures[0].path, "Id");
}

#[test]
fn every_wrong_value_of_a_record_is_reported() {
    let credit = entity("TariffBookingCredit");
    let json = r#"{"Name": "Hours", "TariffId": 3, "Credit": "lots", "CaneBeUsedForEvents": 3}"#;
    let found: Vec<(String, bool)> = failures(Shows::Record, json, &credit)
        .into_iter()
        .map(|f| (f.path, f.message.contains("invalid")))
        .collect();
    assert_eq!(
        found,
        [
            ("Credit".to_owned(), true),
            ("CaneBeUsedForEvents".to_owned(), true)
        ]
    );
}

#[test]
fn a_missing_id_names_the_related_record_the_example_shows() {
    let credit = entity("TariffBookingCredit");
    let json = r#"{"Name": "Hours", "Tariff": null, "Credit": 1}"#;
    let found = failures(Shows::Record, json, &credit);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "missing field `TariffId`");
    assert_eq!(found[0].instead.as_deref(), Some("Tariff"));
    assert!(
        found[0]
            .to_string()
            .ends_with("(the example shows `Tariff` instead)")
    );
    // Without the related record, nothing is named.
    let json = r#"{"Name": "Hours", "Credit": 1}"#;
    assert_eq!(failures(Shows::Record, json, &credit)[0].instead, None);
}

#[test]
fn a_list_page_fails_at_the_path_of_the_bad_value() {
    let credit = entity("TariffBookingCredit");
    let page = |records: &str| {
        format!(
            r#"{{"Records": {records}, "CurrentPage": 1, "CurrentPageSize": 5, "FirstItem": 1,
            "LastItem": 2, "TotalItems": 2, "TotalPages": 1, "HasNextPage": false,
            "HasPreviousPage": false}}"#
        )
    };
    let good = page(r#"[{"Name": "A"}, {"Name": "B", "Credit": 3}]"#);
    assert_eq!(failures(Shows::Page, &good, &credit), []);
    let bad = page(r#"[{"Name": "A"}, {"Name": "B", "Credit": true}]"#);
    let found = failures(Shows::Page, &bad, &credit);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "Records[1].Credit");
    // A page without its envelope is not a page.
    let found = failures(Shows::Page, r#"{"Records": []}"#, &credit);
    assert!(found[0].message.contains("missing field"), "{:?}", found[0]);
}

#[test]
fn bodies_decode_into_the_full_record() {
    let use_history = entity("CoworkerBookingCreditUseHistory");
    // An update does not send a create-only field: it is supplied.
    let update = r#"{"Id": 5, "CoworkerBookingCreditId": 8}"#;
    assert_eq!(failures(Shows::UpdateBody, update, &use_history), []);
    // A create must.
    let create = r#"{"CoworkerBookingCreditId": 8}"#;
    let found = failures(Shows::CreateBody, create, &use_history);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "missing field `CreditUsed`");
}

#[test]
fn envelopes_decode_into_the_runtime_types() {
    let ok = |shows, json| {
        decode::decode(shows, json, None)
            .expect("envelopes have a type")
            .failures
    };
    assert_eq!(
        ok(
            Shows::Action,
            r#"{"WasSuccessful": true, "Value": {"Id": 1}}"#
        ),
        []
    );
    let found = ok(Shows::Action, r#"{"Message": "An error"}"#);
    assert!(found[0].message.contains("WasSuccessful"), "{found:?}");
    assert_eq!(
        ok(
            Shows::Commands,
            r#"[{"Key": "A"}, {"Key": "B", "Order": 2}]"#
        ),
        []
    );
    let found = ok(Shows::Commands, r#"[{"Key": "A"}, {"Name": "no key"}]"#);
    assert_eq!(found[0].path, "[1]");
    assert!(decode::decode(Shows::ErrorBody, "{}", None).is_none());
    assert!(decode::decode(Shows::Sketch, "{}", None).is_none());
    // A record needs an entity.
    assert!(decode::decode(Shows::Record, "{}", None).is_none());
}

#[test]
fn a_page_belongs_to_the_entity_of_its_file_name() {
    let entities = decode::entity_types();
    let name = |page: &str| entity_of(page, &entities).map(|e| e.name);
    assert_eq!(
        name("billing/tariffbookingcredit.md"),
        Some("TariffBookingCredit")
    );
    assert_eq!(name("Sys/business.md"), Some("Business"));
    // SubscriberGroup is in the `content` area; the reference has a copy under community/.
    assert_eq!(
        name("community/subscribergroup.md"),
        Some("SubscriberGroup")
    );
    assert_eq!(name("spaces/access-control.md"), None);
    assert_eq!(name("billing/README.md"), None);
}

// --- the whole check --------------------------------------------------------------------------

#[test]
fn a_folder_is_checked_and_reported() {
    let folder = write_folder(
        "folder",
        &[
            (
                "billing/tariffbookingcredit.md",
                tariff_booking_credit_page(),
            ),
            ("billing/README.md", "# Billing\n".to_owned()),
            ("spaces/front-desk.md", front_desk_page()),
        ],
    );
    let report = check_folder(&folder).expect("the folder is readable");
    let _ = std::fs::remove_dir_all(&folder);

    assert_eq!(report.pages, 3);
    assert_eq!(report.pages_with_examples, 2);
    assert_eq!(report.entity_pages, 1);
    assert_eq!(report.entities, BTreeSet::from(["TariffBookingCredit"]));
    assert_eq!(report.pages_without_entity, ["spaces/front-desk.md"]);
    assert_eq!(report.other_blocks, 3);
    assert_eq!(report.examples, 15);
    assert_eq!(report.parsed_as_is, 5);
    assert_eq!(report.repaired, 9);
    use Repair::*;
    let by_repair: BTreeMap<Repair, usize> = [
        (TrailingComma, 4),
        (DoubledClose, 1),
        (MissingComma, 1),
        (UnclosedString, 1),
        (Annotation, 1),
        (Ellipsis, 2),
        (Alternatives, 2),
        (EnumName, 1),
        (CapitalisedLiteral, 1),
        (LeadingZeros, 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(report.by_repair, by_repair);
    let unparseable: Vec<(&str, Shows, usize)> = report
        .unparseable
        .iter()
        .map(|u| (u.page.as_str(), u.shows, u.error.line))
        .collect();
    assert_eq!(
        unparseable,
        [("billing/tariffbookingcredit.md", Shows::Page, 3)]
    );
    let tally = |decoded, failed| Tally { decoded, failed };
    let by_kind: BTreeMap<Shows, Tally> = [
        (Shows::Page, tally(1, 1)),
        (Shows::Record, tally(0, 1)),
        (Shows::CreateBody, tally(1, 0)),
        (Shows::UpdateBody, tally(1, 0)),
        (Shows::Action, tally(6, 0)),
        (Shows::Commands, tally(1, 0)),
    ]
    .into_iter()
    .collect();
    assert_eq!(report.by_kind, by_kind);
    assert_eq!(
        report.no_type,
        [(Shows::ErrorBody, 1), (Shows::Sketch, 1)]
            .into_iter()
            .collect()
    );
    assert_eq!(
        report.supplied,
        [("Id", 4), ("UniqueId", 5)].into_iter().collect()
    );
    let failures: Vec<(Shows, &str, &str)> = report
        .failures
        .iter()
        .map(|f| (f.shows, f.error.path.as_str(), f.error.message.as_str()))
        .collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].0, Shows::Page);
    assert_eq!(failures[0].1, "Records[0].Credit");
    assert!(failures[0].2.contains("false"), "{failures:?}");
    assert_eq!(failures[1], (Shows::Record, "", "missing field `TariffId`"));
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.entity == Some("TariffBookingCredit"))
    );

    let text = report.to_string();
    // An unparseable example is reported at its line on the page.
    let range = &blocks(&tariff_booking_credit_page())[3];
    let unparseable = format!(
        "    billing/tariffbookingcredit.md:{}:35 (list page): expected `,` or a closing bracket",
        range.line + 3
    );
    assert!(text.contains(&unparseable), "{unparseable:?} in:\n{text}");
    for line in [
        "pages read: 3 (2 with examples: 1 pages of 1 entities, 1 of no entity: spaces/front-desk.md)",
        "examples found: 15 JSON examples (and 3 other code blocks",
        "  parsed as-is: 5",
        "  parsed after repair: 9",
        "    trailing comma        4",
        "  unparseable: 1",
        "decoded: 10 of 12 tried (2 failed)",
        "decode failures: 2 in 2 examples (1 of them",
        "billing/tariffbookingcredit.md:",
        "TariffBookingCredit list page: at `Records[0].Credit`:",
        "TariffBookingCredit record: missing field `TariffId` (the example shows `Tariff` instead)",
    ] {
        assert!(text.contains(line), "the report has {line:?}:\n{text}");
    }
}

#[test]
fn a_missing_folder_is_an_error() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-reference");
    assert!(check_folder(&missing).is_err());
}
