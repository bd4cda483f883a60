//! Every JSON example in the API documents (`../shared/api-docs/`), decoded into the
//! generated types, and every request example compared with what the generated bodies send.
//!
//! The examples are copied here verbatim (a test checks each still appears in its document
//! when the documents are beside the project). Some are not valid JSON as published; before
//! decoding, [`repair`] makes only these documented substitutions:
//! - an elided value (`"ExpiresOn": ,` in 003) becomes `null`: the page dropped the value,
//!   the API did not send an empty one;
//! - trailing commas before `}` or `]` (003) are dropped;
//! - a `...` line standing for "more elements" (003) is dropped;
//! - 003's run-command answer lacks commas and quotes between its lines; it is repaired by hand
//!   below, next to the verbatim text.

use nexudus::billing::coworker_discount_codes::{
    CoworkerDiscountCode, CoworkerDiscountCodeListItem, NewCoworkerDiscountCode,
};
use nexudus::{ActionResponse, CommandInfo, Page, RunCommand};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Documented substitutions only; see the module docs.
fn repair(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim() == "..." {
            continue;
        }
        out.push_str(&line.replace(": ,", ": null,").replace(":  ,", ": null,"));
        out.push('\n');
    }
    // Trailing commas: `,` followed by whitespace then `}` or `]`.
    let bytes: Vec<char> = out.chars().collect();
    let mut cleaned = String::with_capacity(out.len());
    for (i, c) in bytes.iter().enumerate() {
        if *c == ',' {
            let next = bytes[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(*c);
    }
    cleaned
}

fn decode<T: DeserializeOwned>(document: &str, text: &str) -> T {
    let repaired = repair(text);
    serde_json::from_str(&repaired)
        .unwrap_or_else(|e| panic!("{document}: example does not decode: {e}\n{repaired}"))
}

/// An action envelope example, read with the spec's envelope names.
fn decode_action(document: &str, text: &str) -> ActionResponse {
    ActionResponse::from_json(&nexudus::SERVICE.envelopes, decode(document, text))
        .unwrap_or_else(|e| panic!("{document}: example is no action envelope: {e}"))
}

/// A list answer example, read with the spec's envelope names.
fn decode_page<T: DeserializeOwned>(document: &str, text: &str) -> Page<T> {
    let repaired = repair(text);
    Page::from_slice(&nexudus::SERVICE.envelopes.page, repaired.as_bytes())
        .unwrap_or_else(|e| panic!("{document}: example does not decode: {e}\n{repaired}"))
}

/// Where the documents live, when they are beside the project (they are in CI).
fn documents_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-docs");
    dir.is_dir().then_some(dir)
}

const CREATED_000: &str = r#"{
  "Status": 200,
  "Message": "CoworkerDiscountCode was successfully created.",
  "Value": {
    "Id": 87654321
  },
  "OpenInDialog": false,
  "OpenInWindow": false,
  "RedirectURL": null,
  "JavaScript": null,
  "UpdatedOn": "2025-01-15T10:30:00Z",
  "UpdatedBy": "admin@example.com",
  "Errors": null,
  "WasSuccessful": true
}"#;

const INVALID_000: &str = r#"{
  "Message": "Name: is a required field",
  "Value": null,
  "Errors": [
    {
      "AttemptedValue": null,
      "Message": "is a required field",
      "PropertyName": "Name"
    }
  ],
  "WasSuccessful": false
}"#;

const LIST_002: &str = r#"{
  "Records": [
    {
      "CoworkerId": 0,
      "CoworkerCoworkerType": null,
      "CoworkerFullName": null,
      "CoworkerBillingName": null,
      "CoworkerCompanyName": null,
      "BusinessId": 0,
      "BusinessName": null,
      "DiscountCodeId": 0,
      "DiscountCodeCode": null,
      "DiscountCodeActive": null,
      "DiscountCodeValidFrom": null,
      "DiscountCodeValidTo": null,
      "Notes": null,
      "TimesUsed": 0,
      "ValidFrom": null,
      "ExpiresOn": null,
      "RefererGuid": null,
      "BookingUniqueId": null,
      "Id": 87654321,
      "UpdatedOn": "2025-01-15T10:30:00Z",
      "CreatedOn": "2025-01-10T08:00:00Z",
      "UniqueId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
      "UpdatedBy": "admin@example.com",
      "IsNew": false,
      "SystemId": null,
      "ToStringText": "CoworkerDiscountCode Example",
      "LocalizationDetails": null,
      "CustomFields": null
    }
  ],
  "CurrentPageSize": 15,
  "CurrentPage": 1,
  "CurrentOrderField": "CreatedOn",
  "CurrentSortDirection": 1,
  "FirstItem": 1,
  "HasNextPage": false,
  "HasPreviousPage": false,
  "LastItem": 1,
  "PageNumber": 1,
  "PageSize": 15,
  "TotalItems": 1,
  "TotalPages": 1
}"#;

const OBJECT_003: &str = r#"{
  "Id": 1234567,
  "BusinessId": 12345678,
  "CoworkerId": 12345678,
  "DiscountCodeId": 12345678,
  "ExpiresOn": ,
  "Notes": "Notes",
  "TimesUsed": ,
  "UniqueId": "1b111175-a839-4170-b894-0f3066ab5d0b",
  "SystemId": "{ metadata: { id: 887766, processed: true } }"
}"#;

const LIST_003: &str = r#"{
    "Records": [{
        "Id": 1234567,
        "Coworker": ,
        "Business": ,
        "DiscountCode": ,
        "Notes": "Notes",
        "TimesUsed": ,
        "ExpiresOn": ,
        "CoworkerDiscountCodeCoworkerFullName": "...",
        "CoworkerDiscountCodeBusinessName": "...",
        "CoworkerDiscountCodeDiscountCodeCode": "...",
        "CreatedOn": "2018-07-03T06:23:01Z",
        "UpdatedOn": "2020-01-01T21:57:21Z",
        "UpdatedBy": "System",
        "UniqueId": "9cbfe19b-da8d-4505-818e-9a5d7280f4ad",
        "SystemId": "{ metadata: { id: 887766, processed: true } }"
    }],
    "CurrentPageSize": 25,
    "CurrentPage": 1,
    "CurrentOrderField": "Id",
    "CurrentSortDirection": 1,
    "FirstItem": 1,
    "HasNextPage": true,
    "HasPreviousPage": false,
    "LastItem": 25,
    "PageNumber": 1,
    "PageSize": 25,
    "TotalItems": 60,
    "TotalPages": 3
}"#;

const GET_003: &str = r#"{
  "Id": 1234567,
  "BusinessId": 12345678,
  "CoworkerId": 12345678,
  "DiscountCodeId": 12345678,
  "ExpiresOn": ,
  "Notes": "Notes",
  "TimesUsed": ,
  "CreatedOn": "2018-07-03T06:23:01Z",
  "UpdatedOn": "2020-01-01T21:57:21Z",
  "UpdatedBy": "System",
  "UniqueId": "719998c8-4c5e-440d-b4e7-b09bd6ac46cb",
  "SystemId": "{ metadata: { id: 887766, processed: true } }"
}"#;

const CREATED_003: &str = r#"{
    "Status": 200,
    "WasSuccessful": true,
    "Message": "Record 'Name of the record' has been succesfully created.",
    "Value": {
        "Id": 12354678
    }
}"#;

const INVALID_003: &str = r#"{
    "Status": 500,
    "Message": "Name: may not be null or empty",
    "Value": null,
    "WasSuccessful": false,
    "Errors": [
        {
            "AttemptedValue": null,
            "Message": "may not be null or empty",
            "PropertyName": "Name"
        },
    ]
}"#;

const DELETED_003: &str = r#"{
    "Status": 200,
    "WasSuccessful": true,
    "Message": "The record was deleted successfully.",
    "Value": null,
    "OpenInDialog": false,
    "RedirectURL": null,
    "JavaScript": null,
    "Errors": null
}"#;

const COMMANDS_003: &str = r#"[
	{
		"Key": "COMMAND_KEY_1",
		"Name": "Command 1 english description",
		"AppliesOnlyToMultipleEntities": false,
		"DisplayInDropdown": true,
		"DisplayInDropdownV2": true,
		"AppliesOnlyToOneEntity": false,
		"AppliesOnlyToTwoEntities": false,
		"DisplayInGrid": false,
		"NeedsEntitiesToRun": true,
		"Order": 2,
		"RequiresParameters": []
	},
	{
		"Key": "COMMAND_KEY_2",
		"Name": "Command 2 english description",
		"AppliesOnlyToMultipleEntities": false,
		"DisplayInDropdown": true,
		"DisplayInDropdownV2": true,
		"AppliesOnlyToOneEntity": true,
		"AppliesOnlyToTwoEntities": false,
		"DisplayInGrid": true,
		"NeedsEntitiesToRun": true,
		"Order": 10,
		"RequiresParameters": 
		[
			{
				"Name": "Parameter 1 description",
				"Type": "string",
			},
			{
				"Name": "Parameter 2 description",
				"Type": "Boolean",
			}
		]
	},
	...
]"#;

/// 003's run-command answer, verbatim: commas and quotes are missing between lines.
const RAN_003_VERBATIM: &str = r#"{
	"Errors": null
	"JavaScript": null
	"Message": "Result description"
	"OpenInDialog": false
	"OpenInWindow": false
	"RedirectURL": null
	"Status": 200
	"UpdatedBy": "email@example.net"
	"UpdatedOn: "2020-06-04T11:40:20Z"
	"Value: {Id: 12345678}
	"WasSuccessful: true
}"#;

/// The same, repaired by hand: commas added, the three broken keys and `Id` quoted.
const RAN_003_REPAIRED: &str = r#"{
	"Errors": null,
	"JavaScript": null,
	"Message": "Result description",
	"OpenInDialog": false,
	"OpenInWindow": false,
	"RedirectURL": null,
	"Status": 200,
	"UpdatedBy": "email@example.net",
	"UpdatedOn": "2020-06-04T11:40:20Z",
	"Value": {"Id": 12345678},
	"WasSuccessful": true
}"#;

#[test]
fn the_examples_are_verbatim_copies_of_the_documents() {
    let Some(dir) = documents_dir() else {
        eprintln!("the API documents are not beside the project; verbatim check skipped");
        return;
    };
    let read = |name: &str| {
        let file = std::fs::read_dir(&dir)
            .expect("documents folder")
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with(name))
            .unwrap_or_else(|| panic!("document {name} not found"));
        std::fs::read_to_string(file.path()).expect("document text")
    };
    let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (document, example) in [
        ("000", CREATED_000),
        ("000", INVALID_000),
        ("001", INVALID_000),
        ("002", LIST_002),
        ("003", OBJECT_003),
        ("003", LIST_003),
        ("003", GET_003),
        ("003", CREATED_003),
        ("003", INVALID_003),
        ("003", DELETED_003),
        ("003", COMMANDS_003),
        ("003", RAN_003_VERBATIM),
    ] {
        assert!(
            normalise(&read(document)).contains(&normalise(example)),
            "example not found verbatim in {document}:\n{example}"
        );
    }
}

#[test]
fn action_answers_decode_and_carry_the_new_id() {
    let created = decode_action("000", CREATED_000);
    assert!(created.was_successful);
    assert_eq!(created.id(), Some(87654321));
    assert_eq!(created.new_id().expect("an id"), 87654321);

    let created = decode_action("003", CREATED_003);
    assert_eq!(created.id(), Some(12354678));

    let deleted = decode_action("003", DELETED_003);
    assert!(deleted.was_successful);
    assert_eq!(deleted.id(), None);

    let ran = decode_action("003", RAN_003_REPAIRED);
    assert_eq!(ran.id(), Some(12345678));
    assert_eq!(ran.message.as_deref(), Some("Result description"));
}

#[test]
fn validation_answers_decode_with_each_error() {
    for (document, text, message) in [
        ("000", INVALID_000, "is a required field"),
        ("003", INVALID_003, "may not be null or empty"),
    ] {
        let answer = decode_action(document, text);
        assert!(!answer.was_successful, "{document}");
        let errors = answer.errors.expect("errors");
        assert_eq!(errors.len(), 1, "{document}");
        assert_eq!(errors[0].property_name.as_deref(), Some("Name"));
        assert_eq!(errors[0].message, message);
        assert_eq!(errors[0].attempted_value, None);
    }
}

#[test]
fn list_answer_002_decodes_into_list_records() {
    let page: Page<CoworkerDiscountCodeListItem> = decode_page("002", LIST_002);
    assert_eq!(page.total_items, 1);
    assert_eq!(page.current_page_size, 15);
    assert!(!page.has_next_page);
    let record = &page.records[0];
    assert_eq!(record.id.0, 87654321);
    assert_eq!(record.coworker_id.map(|id| id.0), Some(0));
    assert_eq!(record.times_used, Some(0));
    assert_eq!(
        record.to_string_text.as_deref(),
        Some("CoworkerDiscountCode Example")
    );
    assert_eq!(
        record.unique_id.map(|u| u.to_string()).as_deref(),
        Some("a1b2c3d4-e5f6-7890-abcd-ef1234567890")
    );
    // 002 says list records leave Notes out, yet its example sends it: kept, not lost.
    assert_eq!(record.extra.get("Notes"), Some(&Value::Null));
}

#[test]
fn list_answer_003_decodes_with_its_older_names_kept() {
    // 003 elides `Coworker`, `Business`, `DiscountCode`, `TimesUsed` and `ExpiresOn` (null
    // here, see `repair`) and uses older names for the joined fields.
    let page: Page<CoworkerDiscountCodeListItem> = decode_page("003", LIST_003);
    assert_eq!(
        (page.total_items, page.total_pages, page.has_next_page),
        (60, 3, true)
    );
    let record = &page.records[0];
    assert_eq!(record.id.0, 1234567);
    assert_eq!(record.coworker_id, None);
    assert_eq!(record.updated_by.as_deref(), Some("System"));
    assert_eq!(
        record.extra.get("CoworkerDiscountCodeCoworkerFullName"),
        Some(&json!("..."))
    );
}

#[test]
fn full_record_examples_003_decode() {
    // `ExpiresOn` and `TimesUsed` are elided in both examples (null here, see `repair`).
    let object: CoworkerDiscountCode = decode("003", OBJECT_003);
    assert_eq!(
        (object.id.0, object.coworker_id.0, object.business_id.0),
        (1234567, 12345678, 12345678)
    );
    assert_eq!(object.notes.as_deref(), Some("Notes"));
    assert_eq!(object.times_used, None);
    assert_eq!(
        object.created_on, None,
        "the object example has no CreatedOn"
    );

    let got: CoworkerDiscountCode = decode("003", GET_003);
    assert_eq!(
        got.created_on.map(|d| d.to_string()).as_deref(),
        Some("2018-07-03T06:23:01Z")
    );
    assert_eq!(
        got.system_id.as_deref(),
        Some("{ metadata: { id: 887766, processed: true } }")
    );
}

#[test]
fn commands_example_003_decodes() {
    let commands: Vec<CommandInfo> = decode::<Vec<serde_json::Value>>("003", COMMANDS_003)
        .into_iter()
        .map(|command| {
            CommandInfo::from_json(&nexudus::SERVICE.envelopes, command).expect("a command")
        })
        .collect();
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0].key, "COMMAND_KEY_1");
    assert_eq!(commands[1].requires_parameters.len(), 2);
    assert_eq!(
        commands[1].requires_parameters[1].r#type.as_deref(),
        Some("Boolean")
    );
}

#[test]
fn create_body_is_000s_example() {
    // 000's curl example: exactly the required fields.
    let body = NewCoworkerDiscountCode::new(0, 0, 0);
    assert_eq!(
        serde_json::to_value(&body).expect("serialises"),
        json!({"CoworkerId": 0, "BusinessId": 0, "DiscountCodeId": 0})
    );
}

#[test]
fn update_body_carries_001s_example_and_every_writable_field() {
    // 001's curl example names Id and the three required fields; the body made from a record
    // sends those and every other writable field, so the PUT clears nothing.
    let record: CoworkerDiscountCode = serde_json::from_value(json!({
        "Id": 87654321, "CoworkerId": 0, "BusinessId": 0, "DiscountCodeId": 0,
        "UniqueId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "Notes": "kept",
        "SomethingNew": [1, 2]
    }))
    .expect("decodes");
    let sent = serde_json::to_value(record.to_update()).expect("serialises");
    for (key, value) in [
        ("Id", json!(87654321)),
        ("CoworkerId", json!(0)),
        ("BusinessId", json!(0)),
        ("DiscountCodeId", json!(0)),
    ] {
        assert_eq!(sent.get(key), Some(&value), "{key}");
    }
    assert_eq!(sent["Notes"], json!("kept"));
    assert_eq!(
        sent["SomethingNew"],
        json!([1, 2]),
        "unknown fields go back"
    );
    for read_only in [
        "UniqueId",
        "TimesUsed",
        "CreatedOn",
        "UpdatedOn",
        "UpdatedBy",
        "IsNew",
        "ToStringText",
    ] {
        assert!(
            sent.get(read_only).is_none(),
            "{read_only} is read-only and not sent"
        );
    }
}

#[test]
fn run_command_body_has_003s_shape() {
    let body = RunCommand::new("COMMAND_KEY_2", vec![1329961649])
        .parameter("string", json!(987654321))
        .parameter("Boolean", json!(true));
    assert_eq!(
        body.to_json(&nexudus::SERVICE.envelopes),
        json!({
            "Ids": [1329961649],
            "Parameters": [{"Type": "string", "Value": 987654321}, {"Type": "Boolean", "Value": true}],
            "Key": "COMMAND_KEY_2"
        })
    );
}
