//! Broken specs and what the loader says about them.
//!
//! Every case starts from the real `spec/service.yaml` and a frozen copy of the discount code
//! entity (`tests/fixtures/errors/billing/coworker_discount_code.yaml`, so that changes to the
//! real entity never break these cases), makes one small textual edit (asserted to have
//! applied exactly once), loads the result with `load_sources` and checks the file, line,
//! column, message and help of what is reported. Positions are found by searching the edited
//! text for the offending token, so a case keeps pointing at the right place when unrelated
//! parts of the spec change.

use std::path::{Path, PathBuf};

use codegen::model::{Api, Type};
use codegen::spec::{SourceFile, SpecError, SpecErrors, load, load_sources};

/// The root the in-memory specs are loaded from; messages name files below it.
const ROOT: &str = "spec";
const SERVICE: &str = "service.yaml";
const ENTITY: &str = "billing/coworker_discount_code.yaml";

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

fn real(relative: &str) -> String {
    let path = spec_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The frozen entity file the cases edit.
fn base_entity() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/errors")
        .join(ENTITY);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces the one occurrence of `old` in `text` by `new`.
fn replace_once(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "the edit must apply exactly once; `{old}` is not unique or not there"
    );
    text.replacen(old, new, 1)
}

/// 1-based line and column of the one occurrence of `needle` in `text` (columns count chars).
fn position(text: &str, needle: &str) -> (usize, usize) {
    assert_eq!(
        text.matches(needle).count(),
        1,
        "`{needle}` must occur exactly once to locate an error by it"
    );
    let offset = text.find(needle).unwrap();
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// A spec under test: the real service and discount code files, then edits.
struct Draft {
    service: Option<String>,
    entity_path: String,
    entity: String,
    extra: Vec<(String, String)>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            service: Some(real(SERVICE)),
            entity_path: ENTITY.to_owned(),
            entity: base_entity(),
            extra: Vec::new(),
        }
    }

    fn service(mut self, old: &str, new: &str) -> Self {
        let text = self
            .service
            .as_deref()
            .expect("the draft has a service file");
        self.service = Some(replace_once(text, old, new));
        self
    }

    fn entity(mut self, old: &str, new: &str) -> Self {
        self.entity = replace_once(&self.entity, old, new);
        self
    }

    fn service_at(&self, needle: &str) -> (usize, usize) {
        position(self.service.as_deref().unwrap(), needle)
    }

    fn entity_at(&self, needle: &str) -> (usize, usize) {
        position(&self.entity, needle)
    }

    fn load(&self) -> Result<Api, SpecErrors> {
        let root = Path::new(ROOT);
        let mut files = Vec::new();
        if let Some(service) = &self.service {
            files.push(SourceFile {
                path: root.join(SERVICE),
                text: service.clone(),
            });
        }
        files.push(SourceFile {
            path: root.join(&self.entity_path),
            text: self.entity.clone(),
        });
        for (path, text) in &self.extra {
            files.push(SourceFile {
                path: root.join(path),
                text: text.clone(),
            });
        }
        load_sources(root, files)
    }

    fn errors(&self) -> Vec<SpecError> {
        match self.load() {
            Ok(_) => panic!("the broken spec loaded"),
            Err(errors) => errors.0,
        }
    }

    /// The one error the draft has.
    fn error(&self) -> SpecError {
        let errors = self.errors();
        assert_eq!(
            errors.len(),
            1,
            "expected one error, got:\n{}",
            SpecErrors(errors.clone())
        );
        errors.into_iter().next().unwrap()
    }
}

/// Asserts where `e` is, that its message contains `message`, and that its help contains
/// `help` (or that it has none).
#[track_caller]
fn assert_error(
    e: &SpecError,
    file: &str,
    (line, column): (usize, usize),
    message: &str,
    help: Option<&str>,
) {
    let shown = e.to_string();
    assert_eq!(e.file, Path::new(ROOT).join(file), "file of {shown}");
    assert_eq!((e.line, e.column), (line, column), "position of {shown}");
    assert!(e.message.contains(message), "message of {shown}");
    match (help, &e.help) {
        (None, None) => {}
        (Some(want), Some(got)) => assert!(got.contains(want), "help of {shown}"),
        (want, got) => panic!("help of {shown}: expected {want:?}, got {got:?}"),
    }
}

// The real spec.

#[test]
fn the_real_spec_loads_with_every_entity_file() {
    let spec = load(&spec_dir()).unwrap_or_else(|e| panic!("{e}"));
    let mut files = 0;
    for area in std::fs::read_dir(spec_dir()).unwrap().flatten() {
        if area.path().is_dir() {
            files += std::fs::read_dir(area.path())
                .unwrap()
                .flatten()
                .filter(|f| f.path().extension().is_some_and(|e| e == "yaml"))
                .count();
        }
    }
    assert!(files > 0);
    assert_eq!(spec.entities.len(), files);
    for entity in &spec.entities {
        assert!(
            !entity.endpoints.is_empty(),
            "{} has endpoints",
            entity.name
        );
        assert_eq!(entity.id_field().wire, "Id");
    }
}

#[test]
fn the_unedited_draft_loads() {
    let spec = Draft::new().load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.entities.len(), 1);
}

#[test]
fn positions_are_one_based() {
    let draft = Draft::new();
    assert_eq!(draft.entity_at("entity: CoworkerDiscountCode"), (3, 1));
    assert_eq!(draft.service_at("base_url: https"), (10, 1));
}

// YAML shape: syntax, keys, value types.

#[test]
fn yaml_syntax_error() {
    let d = Draft::new().entity(
        "entity: CoworkerDiscountCode",
        "entity: [CoworkerDiscountCode",
    );
    let (line, _) = d.entity_at("docs: |\n  A discount code");
    assert_error(&d.error(), ENTITY, (line, 5), "YAML syntax error: ", None);
}

#[test]
fn unknown_key_suggests_the_known_one() {
    let d = Draft::new().entity(
        "  - wire: CoworkerId\n    type: id<Coworker>\n    required: true",
        "  - wire: CoworkerId\n    type: id<Coworker>\n    reqired: true",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("reqired"),
        "unknown key `reqired`; expected one of `wire`, `rust`, `type`, `required`",
        Some("did you mean `required`?"),
    );
}

#[test]
fn flag_that_is_not_a_boolean() {
    let d = Draft::new().entity(
        "  - wire: CoworkerId\n    type: id<Coworker>\n    required: true",
        "  - wire: CoworkerId\n    type: id<Coworker>\n    required: maybe",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("maybe"),
        "expected `true` or `false`",
        None,
    );
}

#[test]
fn number_that_is_not_a_number() {
    let d = Draft::new().service("default: 25", "default: many");
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("many"),
        "expected a whole number",
        None,
    );
}

#[test]
fn missing_required_key() {
    let d = Draft::new().entity(
        "    docs: Optional notes about this discount code assignment.\n",
        "",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("wire: Notes"),
        "missing key `docs`",
        None,
    );
}

#[test]
fn duplicate_yaml_key() {
    let d = Draft::new().entity(
        "  - wire: Notes\n    type: string\n",
        "  - wire: Notes\n    type: string\n    type: json\n",
    );
    let (first_line, _) = d.entity_at("wire: Notes");
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("type: json"),
        &format!("duplicate key `type` (first at line {})", first_line + 1),
        None,
    );
}

#[test]
fn endpoint_keys_fixed_by_the_kind_are_unknown() {
    let d = Draft::new().entity(
        "    role: CoworkerDiscountCode-Edit\n    docs: |\n      Updates",
        "    role: CoworkerDiscountCode-Edit\n    method: PUT\n    docs: |\n      Updates",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("method: PUT"),
        "unknown key `method`",
        None,
    );
}

// Fields.

#[test]
fn unknown_field_type_suggests_the_known_one() {
    let d = Draft::new().entity(
        "  - wire: TimesUsed\n    type: integer",
        "  - wire: TimesUsed\n    type: integr",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("integr\n"),
        "field `TimesUsed`: unknown type `integr`",
        Some("did you mean `integer`?"),
    );
}

#[test]
fn id_type_without_entity() {
    let d = Draft::new().entity("type: id<Coworker>", "type: id<>");
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("id<>"),
        "field `CoworkerId`: `id<>` needs a name of ASCII letters and digits, like `id<Coworker>`",
        Some(
            "types are integer, decimal, money, boolean, string, datetime, guid, json, id<Entity>, ids<Entity>, enum<eName>",
        ),
    );
}

/// A field appended to the record (after BookingUniqueId, before `list:`).
fn with_field(d: Draft, field: &str) -> Draft {
    d.entity("\nlist:\n", &format!("{field}\nlist:\n"))
}

#[test]
fn duplicate_wire_name() {
    let d = with_field(
        Draft::new(),
        "  - wire: Notes\n    type: string\n    docs: Notes again.\n",
    );
    let (first_line, _) = d.entity_at("wire: Notes\n    type: string\n    in_list");
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Notes\n    type: string\n    docs: Notes again."),
        &format!(
            "field `Notes` appears twice in `CoworkerDiscountCode` (first at line {first_line})"
        ),
        None,
    );
}

#[test]
fn fields_colliding_after_case_conversion() {
    let d = with_field(
        Draft::new(),
        "  - wire: coworker_id\n    type: integer\n    docs: Clashes with CoworkerId.\n",
    );
    let (first_line, _) = d.entity_at("wire: CoworkerId");
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("coworker_id"),
        "fields `CoworkerId` and `coworker_id` both become `coworker_id` in Rust",
        Some(&format!(
            "give one of them a `rust:` name (the other is at line {first_line})"
        )),
    );
}

#[test]
fn rust_override_resolves_a_collision() {
    let d = with_field(
        Draft::new(),
        "  - wire: coworker_id\n    rust: LegacyCoworkerId\n    type: integer\n    docs: Renamed.\n",
    );
    d.load().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn wire_name_starting_with_a_digit() {
    let d = with_field(
        Draft::new(),
        "  - wire: 9Lives\n    type: integer\n    docs: Cannot be a Rust name.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("9Lives"),
        "field `9Lives` cannot become a Rust name: `9Lives` becomes `9lives`, which starts with a digit",
        Some("add `rust: SomeName`"),
    );
}

#[test]
fn wire_name_that_cannot_be_a_raw_identifier() {
    let d = with_field(
        Draft::new(),
        "  - wire: Self\n    type: string\n    docs: Cannot be a Rust name.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Self\n"),
        "`Self` becomes `self`, a Rust keyword that cannot be a raw identifier",
        Some("add `rust: SomeName`"),
    );
}

#[test]
fn bad_rust_override_is_reported_at_the_override() {
    let d = with_field(
        Draft::new(),
        "  - wire: Lives\n    rust: 9Lives\n    type: integer\n    docs: Bad override.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("9Lives"),
        "field `Lives` cannot become a Rust name",
        None,
    );
}

#[test]
fn keyword_wire_name_becomes_a_raw_identifier() {
    let d = with_field(
        Draft::new(),
        "  - wire: Type\n    type: string\n    docs: A keyword in Rust.\n",
    );
    let spec = d.load().unwrap_or_else(|e| panic!("{e}"));
    let field = spec.entities[0]
        .fields
        .iter()
        .find(|f| f.wire == "Type")
        .expect("the Type field");
    assert!(matches!(field.ty, Type::String));
    assert_eq!(field.ident.to_string(), "r#type");
}

#[test]
fn required_and_read_only() {
    let d = Draft::new().entity(
        "    type: integer\n    write: []\n",
        "    type: integer\n    required: true\n    write: []\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("TimesUsed\n    type: integer\n    required"),
        "field `TimesUsed` is required on create, but `write` does not allow it on create",
        Some("drop one of them and record why in `decision:`"),
    );
}

#[test]
fn empty_docs() {
    let d = Draft::new().entity(
        "docs: How many times the customer has used this discount code.",
        "docs: \"  \"",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("\"  \""),
        "field `TimesUsed` has empty `docs`",
        Some("say what it is; the text becomes rustdoc"),
    );
}

#[test]
fn unknown_source_document() {
    let d = Draft::new().entity(
        "docs: Optional notes about this discount code assignment.\n    sources: [\"000\", ",
        "docs: Optional notes about this discount code assignment.\n    sources: [NOTE.md, ",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("NOTE.md"),
        "source `NOTE.md` names no document of `documents:` in service.yaml",
        Some("did you mean `NOTES.md`?"),
    );
}

#[test]
fn entity_field_redefining_a_base_field() {
    let d = with_field(
        Draft::new(),
        "  - wire: UpdatedBy\n    type: string\n    docs: Already a base field.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("UpdatedBy\n"),
        "field `UpdatedBy` is already the base field `UpdatedBy` of every entity (service.yaml at line ",
        None,
    );
}

// The list record.

#[test]
fn joined_field_duplicating_a_record_field() {
    let d = Draft::new().entity(
        "  joined:\n",
        "  joined:\n    - wire: TimesUsed\n      type: integer\n      docs: Joined twice.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("TimesUsed\n      type: integer\n      docs: Joined twice."),
        "joined field `TimesUsed` is already the record field `TimesUsed`",
        Some("mark the record field instead"),
    );
}

#[test]
fn required_joined_field() {
    let d = Draft::new().entity(
        "    - wire: BusinessName\n      type: string\n",
        "    - wire: BusinessName\n      type: string\n      required: true\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("true\n      docs: The location's name."),
        "joined field `BusinessName` is display-only; it cannot be required",
        None,
    );
}

// Filters, range filters, sorting.

#[test]
fn filter_naming_no_field() {
    let d = Draft::new().entity(
        "query: CoworkerDiscountCode_Coworker\n    field: CoworkerId\n",
        "query: CoworkerDiscountCode_Coworker\n    field: CoworkerIdd\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerIdd"),
        "filter names `CoworkerIdd`, which is no field of this entity",
        Some("did you mean `CoworkerId`?"),
    );
}

#[test]
fn filter_on_a_json_field() {
    let d = Draft::new().entity(
        "query: CoworkerDiscountCode_Notes\n    field: Notes\n",
        "query: CoworkerDiscountCode_Notes\n    field: CustomFields\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CustomFields"),
        "filter `CoworkerDiscountCode_Notes` is on JSON field `CustomFields`",
        None,
    );
}

#[test]
fn duplicate_query_names_across_filters() {
    let d = Draft::new().entity(
        "  - query: CoworkerDiscountCode_TimesUsed\n",
        "  - query: CoworkerDiscountCode_Notes\n    rust: TimesUsed\n",
    );
    let (line, _) = d.entity_at("CoworkerDiscountCode_Notes\n    rust: TimesUsed");
    assert_error(
        &d.error(),
        ENTITY,
        (line, 12),
        "query name `CoworkerDiscountCode_Notes` is used twice (the API ignores case)",
        None,
    );
}

#[test]
fn query_names_differing_only_in_case_collide() {
    let d = Draft::new().entity(
        "  - query: CoworkerDiscountCode_TimesUsed\n",
        "  - query: coworkerdiscountcode_notes\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("coworkerdiscountcode_notes"),
        "query name `coworkerdiscountcode_notes` is used twice",
        None,
    );
}

#[test]
fn filter_query_taking_a_paging_name() {
    let d = Draft::new().entity(
        "  - query: CoworkerDiscountCode_TimesUsed\n",
        "  - query: Size\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Size"),
        "query name `Size` is used twice",
        None,
    );
}

#[test]
fn filters_becoming_the_same_variant() {
    let d = Draft::new().entity(
        "  - query: CoworkerDiscountCode_TimesUsed\n",
        "  - query: CoworkerDiscountCode_TimesUsed\n    rust: Notes\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("rust: Notes").into_value(6),
        "two filters become the variant `Notes`",
        Some("give one a `rust:` name"),
    );
}

#[test]
fn range_filter_on_a_type_without_range() {
    let d = Draft::new().entity(
        "to: to_CoworkerDiscountCode_TimesUsed\n    field: TimesUsed\n",
        "to: to_CoworkerDiscountCode_TimesUsed\n    field: Notes\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Notes\n    docs: Times used"),
        "range filter on `Notes`, whose type has no range",
        Some("range filters take integer, decimal, money, datetime and id fields"),
    );
}

#[test]
fn range_filter_naming_no_field() {
    let d = Draft::new().entity(
        "to: to_CoworkerDiscountCode_TimesUsed\n    field: TimesUsed\n",
        "to: to_CoworkerDiscountCode_TimesUsed\n    field: TimeUsed\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("TimeUsed\n"),
        "range filter names `TimeUsed`, which is no field of this entity",
        Some("did you mean `TimesUsed`?"),
    );
}

#[test]
fn range_filter_with_the_wrong_prefix() {
    let d = Draft::new().entity(
        "from: from_CoworkerDiscountCode_TimesUsed",
        "from: From_CoworkerDiscountCode_TimesUsed",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("From_CoworkerDiscountCode_TimesUsed"),
        "range filter `From_CoworkerDiscountCode_TimesUsed` must start with `from_`",
        None,
    );
}

#[test]
fn sort_field_naming_no_field() {
    let d = Draft::new().entity(
        "TimesUsed, ValidFrom, ExpiresOn]",
        "TimesUsd, ValidFrom, ExpiresOn]",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("TimesUsd"),
        "sort field names `TimesUsd`, which is no field of this entity",
        Some("did you mean `TimesUsed`?"),
    );
}

#[test]
fn sort_field_left_out_of_list_records() {
    let d = Draft::new().entity(
        "TimesUsed, ValidFrom, ExpiresOn]",
        "TimesUsed, Notes, ExpiresOn]",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Notes, ExpiresOn]"),
        "sort field names `Notes`, which is no field of this entity",
        None,
    );
}

#[test]
fn sort_field_listed_twice() {
    let d = Draft::new().entity(
        "TimesUsed, ValidFrom, ExpiresOn]",
        "TimesUsed, TimesUsed, ExpiresOn]",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("TimesUsed, ExpiresOn]"),
        "sort field `TimesUsed` is listed twice",
        None,
    );
}

#[test]
fn sort_by_a_json_field() {
    let d = Draft::new().entity(
        "TimesUsed, ValidFrom, ExpiresOn]",
        "TimesUsed, CustomFields, ExpiresOn]",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CustomFields, ExpiresOn]"),
        "`CustomFields` is a JSON field and cannot order a list",
        None,
    );
}

// Endpoints.

#[test]
fn role_not_entity_action() {
    let d = Draft::new().entity(
        "role: CoworkerDiscountCode-List\n    docs: Lists one page",
        "role: CoworkerDiscountCodeList\n    docs: Lists one page",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerDiscountCodeList"),
        "role `CoworkerDiscountCodeList` is not `Entity-Action`",
        Some("roles look like `CoworkerDiscountCode-List`"),
    );
}

#[test]
fn role_of_another_entity() {
    let d = Draft::new().entity(
        "role: CoworkerDiscountCode-Read",
        "role: CoworkerBookingCredit-Read",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerBookingCredit-Read"),
        "role `CoworkerBookingCredit-Read` is for `CoworkerBookingCredit`, not `CoworkerDiscountCode`",
        Some("did you mean `CoworkerDiscountCode-Read`?"),
    );
}

#[test]
fn unknown_role_action() {
    let d = Draft::new().entity(
        "role: CoworkerDiscountCode-Delete",
        "role: CoworkerDiscountCode-Delet",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerDiscountCode-Delet\n"),
        "role action `Delet` is not one the API has",
        Some("did you mean `Delete`?"),
    );
}

#[test]
fn unknown_role_action_without_a_close_one() {
    let d = Draft::new().entity(
        "role: CoworkerDiscountCode-Delete",
        "role: CoworkerDiscountCode-Purge",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerDiscountCode-Purge"),
        "role action `Purge` is not one the API has",
        Some("actions are List, Read, Create, Edit, Delete"),
    );
}

#[test]
fn path_outside_the_area() {
    let d = Draft::new().entity(
        "path: /api/billing/coworkerdiscountcodes\n    role: CoworkerDiscountCode-Create",
        "path: /api/sales/coworkerdiscountcodes\n    role: CoworkerDiscountCode-Create",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("/api/sales/"),
        "path `/api/sales/coworkerdiscountcodes` is outside the entity's area `/api/billing/`",
        Some("start the path with `/api/billing/`"),
    );
}

#[test]
fn get_path_without_id() {
    let d = Draft::new().entity(
        "path: /api/billing/coworkerdiscountcodes/{Id}\n    role: CoworkerDiscountCode-Read",
        "path: /api/billing/coworkerdiscountcodes\n    role: CoworkerDiscountCode-Read",
    );
    let (line, _) = d.entity_at("role: CoworkerDiscountCode-Read");
    assert_error(
        &d.error(),
        ENTITY,
        (line - 1, 11),
        "a `get` path ends with `/{Id}`",
        None,
    );
}

#[test]
fn id_placeholder_on_a_kind_without_id() {
    let d = Draft::new().entity(
        "path: /api/billing/coworkerdiscountcodes\n    role: CoworkerDiscountCode-Create",
        "path: /api/billing/coworkerdiscountcodes/{Id}\n    role: CoworkerDiscountCode-Create",
    );
    let (line, _) = d.entity_at("role: CoworkerDiscountCode-Create");
    assert_error(
        &d.error(),
        ENTITY,
        (line - 1, 11),
        "path `/api/billing/coworkerdiscountcodes/{Id}` has a placeholder a `create` endpoint does not fill",
        None,
    );
}

#[test]
fn find_by_ids_without_query() {
    let d = Draft::new().entity("    query: CoworkerDiscountCode_Id\n", "");
    let (line, _) = d.entity_at("  find_by_ids:");
    assert_error(
        &d.error(),
        ENTITY,
        (line + 1, 11),
        "a `find_by_ids` endpoint needs the `query:` that takes the id list",
        None,
    );
}

#[test]
fn query_on_an_endpoint_other_than_find_by_ids() {
    let d = Draft::new().entity(
        "    role: CoworkerDiscountCode-Read\n",
        "    role: CoworkerDiscountCode-Read\n    query: CoworkerDiscountCode_Ids\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerDiscountCode_Ids"),
        "only `find_by_ids` takes `query:`, not `get`",
        None,
    );
}

#[test]
fn entity_without_endpoints() {
    let entity = base_entity();
    let cut = entity
        .find("\nendpoints:\n")
        .expect("the endpoints section");
    let mut d = Draft::new();
    d.entity = format!("{}\nendpoints: {{}}\n", &entity[..cut]);
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerDiscountCode\n"),
        "entity `CoworkerDiscountCode` has no endpoints",
        None,
    );
}

#[test]
fn command_key_repeated() {
    let commands =
        "\ncommands:\n  - key: CLONE\n    docs: Clones.\n  - key: CLONE\n    docs: Clones again.\n";
    let mut d = Draft::new();
    d.entity.push_str(commands);
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CLONE\n    docs: Clones again."),
        "command key `CLONE` is empty or repeated",
        None,
    );
}

// Files and names.

#[test]
fn entity_file_name_not_matching_its_entity() {
    let mut d = Draft::new();
    d.entity_path = "billing/discount_code.yaml".into();
    let e = d.error();
    assert_eq!(e.file, Path::new(ROOT).join("billing/discount_code.yaml"));
    assert_eq!((e.line, e.column), d.entity_at("CoworkerDiscountCode\n"));
    assert!(
        e.message
            .contains("entity `CoworkerDiscountCode` is in file `discount_code.yaml`")
    );
    assert_eq!(
        e.help.as_deref(),
        Some("name the file `coworker_discount_code.yaml`")
    );
}

#[test]
fn entity_name_not_upper_camel_case() {
    // The file name is still the snake case of the new name; the roles, which name the
    // entity as it was, are reported after the name.
    let d = Draft::new().entity(
        "entity: CoworkerDiscountCode",
        "entity: Coworker_DiscountCode",
    );
    assert_error(
        &d.errors()[0],
        ENTITY,
        d.entity_at("Coworker_DiscountCode"),
        "entity name `Coworker_DiscountCode` must be UpperCamelCase letters and digits",
        None,
    );
}

#[test]
fn area_folder_not_snake_case() {
    let mut d = Draft::new();
    d.entity_path = "Billing/coworker_discount_code.yaml".into();
    let errors = d.errors();
    assert!(
        errors.iter().any(|e| e.message
            == "area folder `Billing` must be a snake_case name that is not a Rust keyword"),
        "{}",
        SpecErrors(errors.clone())
    );
}

#[test]
fn missing_service_file() {
    let mut d = Draft::new();
    d.service = None;
    assert_error(
        &d.error(),
        SERVICE,
        (1, 1),
        "the service file is missing",
        None,
    );
}

#[test]
fn file_outside_the_layout() {
    let mut d = Draft::new();
    d.extra
        .push(("billing/extra/thing.yaml".into(), "entity: Thing\n".into()));
    assert_error(
        &d.error(),
        "billing/extra/thing.yaml",
        (1, 1),
        "spec files are `service.yaml`, `enums.yaml` and `<area>/<entity>.yaml`; this one is none of them",
        None,
    );
}

#[test]
fn entity_defined_twice() {
    let mut d = Draft::new();
    d.extra.push((
        "sales/coworker_discount_code.yaml".into(),
        real(ENTITY).replace("/api/billing/", "/api/sales/"),
    ));
    let e = d.error();
    assert_eq!(
        e.file,
        Path::new(ROOT).join("sales/coworker_discount_code.yaml")
    );
    assert_eq!((e.line, e.column), d.entity_at("CoworkerDiscountCode\n"));
    assert!(
        e.message
            .contains("entity `CoworkerDiscountCode` is defined twice (first at line")
    );
}

// Service file.

#[test]
fn base_url_not_http() {
    let d = Draft::new().service(
        "base_url: https://spaces.nexudus.com",
        "base_url: spaces.nexudus.com",
    );
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("spaces.nexudus.com"),
        "base_url `spaces.nexudus.com` is not an http(s) URL",
        None,
    );
}

#[test]
fn document_listed_twice() {
    let d = Draft::new().service("  - name: \"004\"", "  - name: \"003\"");
    let (line, _) = d.service_at("004_70622cab9c282f44.txt");
    let errors = d.errors();
    assert_error(
        &errors[0],
        SERVICE,
        (line - 1, 11),
        "document `003` is listed twice",
        None,
    );
}

#[test]
fn default_page_size_above_the_maximum() {
    let d = Draft::new().service("default: 25", "default: 2500");
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("2500"),
        "default page size 2500 is not within 1..=1000",
        None,
    );
}

#[test]
fn equal_range_prefixes() {
    let d = Draft::new().service("to_prefix: to_", "to_prefix: from_");
    // Every `to_` query of the entity is reported too; the service file sorts last.
    let errors = d.errors();
    assert_error(
        errors.last().unwrap(),
        SERVICE,
        d.service_at("to_prefix: from_").into_value(11),
        "the from and to prefixes must differ",
        None,
    );
}

#[test]
fn throttling_status_that_is_no_error() {
    let d = Draft::new().service("statuses: [409, 429]", "statuses: [409, 229]");
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("229"),
        "229 is not an HTTP error status",
        None,
    );
}

// Many problems at once.

#[test]
fn all_problems_of_two_files_are_reported_in_one_run_sorted() {
    let d = Draft::new()
        .service(
            "base_url: https://spaces.nexudus.com",
            "base_url: ftp://spaces.nexudus.com",
        )
        .entity(
            "role: CoworkerDiscountCode-Read",
            "role: CoworkerDiscountCode-Look",
        )
        .entity(
            "  - wire: TimesUsed\n    type: integer",
            "  - wire: TimesUsed\n    type: integr",
        );
    let errors = d.errors();
    let located: Vec<_> = errors
        .iter()
        .map(|e| (e.file.clone(), e.line, e.column))
        .collect();
    let entity = Path::new(ROOT).join(ENTITY);
    let service = Path::new(ROOT).join(SERVICE);
    let at = |file: &PathBuf, (line, column): (usize, usize)| (file.clone(), line, column);
    assert_eq!(
        located,
        [
            at(&entity, d.entity_at("integr\n")),
            at(&entity, d.entity_at("CoworkerDiscountCode-Look")),
            at(&service, d.service_at("ftp://")),
        ],
        "{}",
        SpecErrors(errors.clone())
    );
    let shown = SpecErrors(errors).to_string();
    assert!(shown.ends_with("\n3 problems in the spec"), "{shown}");
    assert!(shown.contains("help: did you mean `integer`?"), "{shown}");
}

#[test]
fn syntax_error_in_one_file_does_not_hide_problems_in_another() {
    let d = Draft::new()
        .service(
            "base_url: https://spaces.nexudus.com",
            "base_url: ftp://spaces.nexudus.com",
        )
        .entity(
            "entity: CoworkerDiscountCode",
            "entity: [CoworkerDiscountCode",
        );
    let errors = d.errors();
    assert_eq!(errors.len(), 2, "{}", SpecErrors(errors.clone()));
    assert_eq!(errors[0].file, Path::new(ROOT).join(ENTITY));
    assert!(errors[0].message.starts_with("YAML syntax error"));
    assert_eq!(errors[1].file, Path::new(ROOT).join(SERVICE));
    assert!(errors[1].message.contains("is not an http(s) URL"));
}

/// Moves a position found at a key to the value after `key: ` (`width` = the key's length + 2).
trait IntoValue {
    fn into_value(self, width: usize) -> (usize, usize);
}

impl IntoValue for (usize, usize) {
    fn into_value(self, width: usize) -> (usize, usize) {
        (self.0, self.1 + width)
    }
}

#[test]
fn second_yaml_document_is_not_silently_dropped() {
    let mut d = Draft::new();
    d.entity.push_str("---\nentity: Ignored\n");
    let (line, _) = d.entity_at("---\nentity: Ignored");
    assert_error(
        &d.error(),
        ENTITY,
        (line, 1),
        "a second YAML document starts here; a spec file holds one",
        Some("remove the `---` or `...` line"),
    );
}

#[test]
fn leading_document_marker_is_fine() {
    let mut d = Draft::new();
    d.entity = format!("# comment\n---\n{}", d.entity);
    d.load().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn missing_top_level_key() {
    let d = Draft::new().entity(
        "sources: [\"000\", \"001\", \"002\", \"003\"]\n\nfields:",
        "\nfields:",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("entity: CoworkerDiscountCode"),
        "missing key `sources`",
        None,
    );
}

#[test]
fn an_area_named_like_the_crates_own_modules_is_refused() {
    let mut draft = Draft::new();
    draft.entity_path = "runtime/coworker_discount_code.yaml".to_owned();
    let errors = draft.errors();
    let e = errors
        .iter()
        .find(|e| e.message.contains("name the generated crate uses itself"))
        .unwrap_or_else(|| panic!("no reserved-area error in:\n{}", SpecErrors(errors.clone())));
    assert_eq!(
        e.file,
        Path::new(ROOT).join("runtime/coworker_discount_code.yaml")
    );
    assert!(e.help.as_deref().is_some_and(|h| h.contains("runtime")));
}

#[test]
fn a_sort_field_with_a_rust_name_generates_its_variant_from_it() {
    let draft = Draft::new()
        .entity(
            "  - wire: TimesUsed\n",
            "  - wire: 9Lives\n    rust: NineLives\n    type: integer\n    docs: A field whose wire name is no identifier.\n  - wire: TimesUsed\n",
        )
        .entity("sort: [Id,", "sort: [9Lives, Id,");
    let spec = draft
        .load()
        .unwrap_or_else(|e| panic!("the spec loads:\n{e}"));
    let output = codegen::emit::generate(&spec).expect("it generates");
    let module = &output.files[Path::new("src/billing/coworker_discount_codes.rs")];
    assert!(
        module.contains("Self::NineLives => \"9Lives\""),
        "the sort variant takes the rust name"
    );
}

// The spec language of the whole API: enums, write rules, body-only fields, downloads,
// documents, and the holes a spec could otherwise slip through.

/// A draft with `spec/enums.yaml` holding `enums`.
fn with_enums(mut d: Draft, enums: &str) -> Draft {
    d.extra.push(("enums.yaml".into(), enums.to_owned()));
    d
}

const SIZES: &str = "enums:\n  - name: eSize\n    docs: How big.\n    values:\n      - {value: 1, name: Small}\n      - {value: 2, name: Large}\n";

#[test]
fn an_enum_field_resolves_to_its_declaration() {
    let d = with_enums(
        with_field(
            Draft::new(),
            "  - wire: Size\n    type: enum<eSize>\n    docs: How big.\n",
        ),
        SIZES,
    );
    let spec = d.load().unwrap_or_else(|e| panic!("{e}"));
    let field = spec.entities[0]
        .fields
        .iter()
        .find(|f| f.wire == "Size")
        .unwrap();
    match &field.ty {
        Type::Enum(e) => {
            assert_eq!(e.rust.to_string(), "Size");
            assert_eq!(e.values.iter().map(|v| v.value).collect::<Vec<_>>(), [1, 2]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_enum_suggests_the_declared_one() {
    let d = with_enums(
        with_field(
            Draft::new(),
            "  - wire: Size\n    type: enum<eSzie>\n    docs: How big.\n",
        ),
        SIZES,
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("enum<eSzie>"),
        "field `Size`: no enum `eSzie` is declared in enums.yaml",
        Some("did you mean `eSize`?"),
    );
}

#[test]
fn enum_value_named_unknown_is_refused() {
    let d = with_enums(
        Draft::new(),
        "enums:\n  - name: eSize\n    docs: How big.\n    values:\n      - {value: 0, name: Unknown}\n",
    );
    let e = d.error();
    assert_eq!(e.file, Path::new(ROOT).join("enums.yaml"));
    assert_eq!((e.line, e.column), (5, 26));
    assert!(
        e.message
            .contains("`Unknown` is the variant the generator adds"),
        "{e}"
    );
}

#[test]
fn enum_values_listed_twice() {
    let d = with_enums(
        Draft::new(),
        "enums:\n  - name: eSize\n    docs: How big.\n    values:\n      - {value: 1, name: Small}\n      - {value: 1, name: Tiny}\n",
    );
    let e = d.error();
    assert_eq!((e.line, e.column), (6, 17));
    assert!(
        e.message
            .contains("value 1 is listed twice (first at line 5)"),
        "{e}"
    );
}

#[test]
fn enums_becoming_the_same_rust_type() {
    let d = with_enums(
        Draft::new(),
        "enums:\n  - name: eSize\n    docs: How big.\n    values: []\n  - name: Size\n    docs: Again.\n    values: []\n",
    );
    let e = d.error();
    assert_eq!((e.line, e.column), (5, 11));
    assert!(
        e.message
            .contains("enums `eSize` and `Size` both become `Size` in Rust"),
        "{e}"
    );
    assert_eq!(e.help.as_deref(), Some("give one of them a `rust:` name"));
}

#[test]
fn required_field_writable_on_update_only() {
    let d = Draft::new().entity(
        "    type: id<Business>\n    required: true\n",
        "    type: id<Business>\n    required: true\n    write: [update]\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("wire: BusinessId").into_value(6),
        "field `BusinessId` is required on create, but `write` does not allow it on create",
        Some("drop one of them"),
    );
}

#[test]
fn body_only_field_that_is_never_written() {
    let d = with_field(
        Draft::new(),
        "  - wire: AddedThings\n    type: ids<Thing>\n    read: false\n    write: []\n    docs: Never anywhere.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("AddedThings"),
        "field `AddedThings` is neither read nor written",
        Some("needs `write: [create]`, `[update]` or both"),
    );
}

#[test]
fn body_only_field_with_an_answer_flag() {
    let d = with_field(
        Draft::new(),
        "  - wire: AddedThings\n    type: ids<Thing>\n    read: false\n    write: [update]\n    in_list: false\n    docs: Adds.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("false\n    docs: Adds."),
        "is never in answers (`read: false`), so `in_list` means nothing",
        None,
    );
}

#[test]
fn write_lists_a_body_twice() {
    let d = Draft::new().entity(
        "    type: id<Business>\n    required: true\n",
        "    type: id<Business>\n    required: true\n    write: [create, create]\n",
    );
    let e = d.error();
    assert_eq!((e.line, e.column), d.entity_at(", create]").into_value(2));
    assert!(e.message.contains("lists a body twice in `write`"), "{e}");
}

#[test]
fn base_and_entity_fields_clashing_in_rust() {
    let d = with_field(
        Draft::new(),
        "  - wire: Updated_By\n    type: string\n    docs: A second updated_by.\n",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Updated_By"),
        "fields `UpdatedBy` and `Updated_By` both become `updated_by` in Rust",
        Some("give one of them a `rust:` name"),
    );
}

#[test]
fn wire_names_differing_only_by_case() {
    let d = with_field(
        Draft::new(),
        "  - wire: notes\n    rust: OtherNotes\n    type: string\n    docs: Notes in lower case.\n",
    );
    let (first, _) = d.entity_at("wire: Notes");
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("notes\n    rust"),
        &format!(
            "fields `Notes` and `notes` of `CoworkerDiscountCode` differ only by case, which the API ignores (the other is at line {first})"
        ),
        None,
    );
}

/// The draft's entity renamed to `name` (in `area`), its roles and paths following.
fn renamed(name: &str, area: &str) -> Draft {
    let snake = heck_snake(name);
    let mut d = Draft::new();
    d.entity = base_entity()
        .replace("CoworkerDiscountCode", name)
        .replace("/api/billing/", &format!("/api/{area}/"));
    d.entity_path = format!("{area}/{snake}.yaml");
    d
}

fn heck_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn entity_named_like_a_prelude_type() {
    let d = renamed("Option", "billing");
    let e = &d.errors()[0];
    assert!(
        e.message.contains(
            "entity `Option` would define the type `Option`, which shadows Rust's own `Option`"
        ),
        "{e}"
    );
    assert_eq!(
        (e.line, e.column),
        d.entity_at("entity: Option").into_value(8)
    );
}

#[test]
fn entity_whose_accessor_the_client_has_already() {
    let d = renamed("Credential", "billing");
    let e = &d.errors()[0];
    assert!(
        e.message
            .contains("entity `Credential` has the accessor `client.credentials()`, which the client has already"),
        "{e}"
    );
}

#[test]
fn entity_whose_feature_the_crate_defines_itself() {
    let d = renamed("Schema", "billing");
    let e = &d.errors()[0];
    assert!(
        e.message.contains(
            "entity `Schema` has the module `schemas`, which would name the same cargo feature as the crate's own `schemas`"
        ),
        "{e}"
    );
    assert_eq!(
        (e.line, e.column),
        d.entity_at("entity: Schema").into_value(8)
    );
}

#[test]
fn area_that_is_a_rust_keyword() {
    let d = renamed("CoworkerDiscountCode", "type");
    let errors = d.errors();
    assert!(
        errors.iter().any(|e| e.message
            == "area folder `type` must be a snake_case name that is not a Rust keyword"),
        "{}",
        SpecErrors(errors.clone())
    );
}

#[test]
fn command_keys_becoming_the_same_constant() {
    let commands = "\ncommands:\n  - key: CLONE-ALL\n    docs: Clones.\n  - key: CLONE_ALL\n    docs: Clones again.\n";
    let mut d = Draft::new();
    d.entity.push_str(commands);
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CLONE_ALL"),
        "command keys `CLONE-ALL` and `CLONE_ALL` both become the constant `CLONE_ALL`",
        None,
    );
}

#[test]
fn empty_throttle_message() {
    let d = Draft::new().service(
        "message: You must wait before accessing this url again.",
        "message: \"\"",
    );
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("\"\""),
        "the throttle message cannot be empty",
        Some("tells a throttled 409 from a real conflict"),
    );
}

#[test]
fn largest_page_size_of_zero() {
    let d = Draft::new()
        .service("max: 1000", "max: 0")
        .service("default: 25", "default: 0");
    let errors = d.errors();
    assert_eq!(errors.len(), 2, "{}", SpecErrors(errors.clone()));
    assert!(
        errors[0]
            .message
            .contains("default page size 0 is not within 1..=0")
    );
    assert!(
        errors[1]
            .message
            .contains("the largest page size must be at least 1")
    );
}

#[test]
fn first_page_numbered_zero() {
    let d = Draft::new().service("    default: 1\n", "    default: 0\n");
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("default: 0").into_value(9),
        "pages are numbered from 1",
        None,
    );
}

#[test]
fn datetime_format_chrono_would_fail_on() {
    let d = Draft::new().service(
        "datetime_format: YYYY-MM-DDTHH:mm",
        "datetime_format: YYYY-MM-DDTHH:mm%",
    );
    assert_error(
        &d.error(),
        SERVICE,
        d.service_at("YYYY-MM-DDTHH:mm%"),
        "datetime_format `YYYY-MM-DDTHH:mm%` has `%`, which is no date-time token or separator",
        Some("use YYYY, MM, DD, HH, mm, ss"),
    );
}

#[test]
fn fenced_code_in_docs() {
    let d = Draft::new().entity(
        "docs: How many times the customer has used this discount code.",
        "docs: |\n      Used:\n      ```\n      assert!(false);\n      ```",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Used:"),
        "field `TimesUsed` has a fenced code block in its `docs`",
        Some("rustdoc would run it as a doctest"),
    );
}

#[test]
fn control_characters_in_docs() {
    // A lone carriage return would reach a `///` line, which rustdoc refuses.
    let d = Draft::new().entity(
        "docs: How many times the customer has used this discount code.",
        "docs: \"Uses\\r of the code\"",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("\"Uses"),
        "field `TimesUsed` has the control character U+000D in its `docs`",
        Some("rustdoc refuses a bare carriage return"),
    );
}

#[test]
fn docs_left_as_the_drafts_todo() {
    let d = Draft::new().entity(
        "docs: How many times the customer has used this discount code.",
        "docs: TODO",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("TODO"),
        "field `TimesUsed` still has the draft's `TODO` as docs",
        Some("in the project's own words"),
    );
}

#[test]
fn downloads_need_distinct_methods_and_a_trailing_id() {
    let mut d = Draft::new();
    d.entity.push_str(
        "  downloads:\n    - {name: Get, path: \"/api/billing/coworkerdiscountcodes/getfile/{Id}\", role: CoworkerDiscountCode-Read, docs: A file.}\n    - {name: Picture, path: /api/billing/coworkerdiscountcodes/getpicture, role: CoworkerDiscountCode-Read, docs: A picture.}\n",
    );
    let errors = d.errors();
    assert_eq!(errors.len(), 2, "{}", SpecErrors(errors.clone()));
    assert_error(
        &errors[0],
        ENTITY,
        d.entity_at("Get, path"),
        "download `Get` would make a second method `get`",
        Some("the handle's methods are list"),
    );
    assert_error(
        &errors[1],
        ENTITY,
        d.entity_at("/api/billing/coworkerdiscountcodes/getpicture"),
        "a `downloads` path ends with `/{Id}`",
        None,
    );
}

#[test]
fn a_download_resolves_to_its_method_and_constant() {
    let mut d = Draft::new();
    d.entity.push_str(
        "  downloads:\n    - {name: FileData, path: \"/api/billing/coworkerdiscountcodes/getfiledata/{Id}\", role: CoworkerDiscountCode-Read, docs: The file.}\n",
    );
    let spec = d.load().unwrap_or_else(|e| panic!("{e}"));
    let download = spec.entities[0].endpoints.last().unwrap();
    assert_eq!(download.konst.to_string(), "DOWNLOAD_FILE_DATA");
    match &download.operation {
        codegen::model::Operation::Download { name, method } => {
            assert_eq!(name, "FileData");
            assert_eq!(method.to_string(), "file_data");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_page_of_a_single_file_document() {
    let d = Draft::new().entity(
        "sources: [\"000\", \"001\", \"002\", \"003\"]\n\nfields:",
        "sources: [\"000:page.md\", \"001\", \"002\", \"003\"]\n\nfields:",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("\"000:page.md\""),
        "document `000` is one file; it has no pages to name after `:`",
        Some("write `000` alone"),
    );
}

#[test]
fn a_page_of_the_reference_is_a_source() {
    let d = Draft::new().entity(
        "sources: [\"000\", \"001\", \"002\", \"003\"]\n\nfields:",
        "sources: [\"ref:billing/coworkerdiscountcode.md\", \"ref:../x.md\"]\n\nfields:",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("\"ref:../x.md\""),
        "page `../x.md` of `ref` is not a relative path",
        Some("write the path below the document's folder or URL"),
    );
}

#[test]
fn a_document_with_two_locations() {
    let d = Draft::new().service(
        "    file: NOTES.md\n",
        "    file: NOTES.md\n    url: https://example.com/\n",
    );
    let e = d.error();
    assert!(
        e.message
            .contains("document `NOTES.md` needs exactly one of `file`, `repo` and `url`"),
        "{e}"
    );
}

#[test]
fn a_role_in_the_references_spelling() {
    let d = Draft::new().entity(
        "role: CoworkerDiscountCode-Read",
        "role: coworkerdiscountcode-Read",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("coworkerdiscountcode-Read"),
        "role `coworkerdiscountcode-Read` is for `coworkerdiscountcode`, not `CoworkerDiscountCode`",
        Some("the spec writes roles `CoworkerDiscountCode-Read`, whatever the page's spelling"),
    );
}

// Personal data, command-line option names and inline children.

#[test]
fn pii_category_that_is_not_one() {
    let d = Draft::new().entity(
        "  - wire: Notes\n    type: string",
        "  - wire: Notes\n    type: string\n    pii: EMIAL",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("EMIAL"),
        "field `Notes`: `EMIAL` is not a personal-data category",
        Some("did you mean `EMAIL`?"),
    );
}

#[test]
fn flag_that_is_not_kebab_case() {
    let d = Draft::new().entity(
        "  - wire: Notes\n    type: string",
        "  - wire: Notes\n    type: string\n    flag: --Remarks",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("--Remarks"),
        "field `Notes`: flag `--Remarks` is not a kebab-case option name",
        Some("without `--`"),
    );
}

#[test]
fn flag_that_repeats_the_wire_name() {
    let d = Draft::new().entity(
        "  - wire: Notes\n    type: string",
        "  - wire: Notes\n    type: string\n    flag: notes",
    );
    let (line, column) = d.entity_at("flag: notes");
    assert_error(
        &d.error(),
        ENTITY,
        (line, column + "flag: ".len()),
        "flag `notes` is the wire name's own option",
        Some("remove `flag:`"),
    );
}

#[test]
fn flag_that_another_field_has() {
    let d = Draft::new().entity(
        "  - wire: Notes\n    type: string",
        "  - wire: Notes\n    type: string\n    flag: times-used",
    );
    let e = d.error();
    assert_error(
        &e,
        ENTITY,
        d.entity_at("times-used"),
        "fields `Notes` and `TimesUsed` are both the option `--times-used`",
        None,
    );
}

/// An element entity for the discount code's inline children: it names its code by
/// `CoworkerDiscountCodeId`.
const USE: &str = "\
entity: DiscountUse
docs: A use of a discount code.
sources: [\"000\"]
fields:
  - wire: CoworkerDiscountCodeId
    type: id<CoworkerDiscountCode>
    docs: The code used.
  - wire: Amount
    type: money
    required: true
    docs: How much it took off.
endpoints:
  get: {path: \"/api/billing/discountuses/{Id}\", role: DiscountUse-Read, docs: Gets one.}
";

fn with_children(children: &str) -> Draft {
    let mut d = Draft::new().entity(
        "\nendpoints:",
        &format!("\nchildren:\n{children}\nendpoints:"),
    );
    d.extra
        .push(("billing/discount_use.yaml".into(), USE.to_owned()));
    d
}

#[test]
fn children_resolve_against_their_element_entity() {
    let d = with_children(
        "  - {wire: Uses, entity: DiscountUse, properties: [Amount], docs: Uses made with the code.}",
    );
    let spec = d.load().unwrap_or_else(|e| panic!("{e}"));
    let code = spec
        .entities
        .iter()
        .find(|e| e.name == "CoworkerDiscountCode")
        .unwrap();
    let uses = code.fields.iter().find(|f| f.wire == "Uses").unwrap();
    assert!(!uses.read && uses.create && uses.update);
    let Type::Children(child) = &uses.ty else {
        panic!("Uses is a child array");
    };
    assert_eq!(child.link, "CoworkerDiscountCodeId");
    assert_eq!(child.rust.as_str(), "InlineDiscountUse");
    assert_eq!(child.properties.len(), 1);
    assert!(
        child.properties[0].required,
        "Amount keeps its rule on create"
    );
}

#[test]
fn child_of_an_entity_not_in_the_spec() {
    let d = with_children(
        "  - {wire: Uses, entity: DiscountUsage, properties: [Amount], docs: Uses made with the code.}",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("DiscountUsage"),
        "child array `Uses`: no entity `DiscountUsage` is in the spec",
        Some("did you mean `DiscountUse`?"),
    );
}

#[test]
fn child_property_the_element_lacks() {
    let d = with_children(
        "  - {wire: Uses, entity: DiscountUse, properties: [Amont], docs: Uses made with the code.}",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("Amont"),
        "child array `Uses`: `DiscountUse` has no field `Amont`",
        Some("did you mean `Amount`?"),
    );
}

#[test]
fn child_property_that_names_the_parent() {
    let d = with_children(
        "  - {wire: Uses, entity: DiscountUse, properties: [Amount, CoworkerDiscountCodeId], docs: Uses made with the code.}",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("CoworkerDiscountCodeId]"),
        "`CoworkerDiscountCodeId` names the parent, which the parent's body gives",
        Some("remove it from `properties`"),
    );
}

#[test]
fn child_whose_element_cannot_name_the_parent() {
    let mut d = with_children(
        "  - {wire: Uses, entity: DiscountUse, properties: [Amount], docs: Uses made with the code.}",
    );
    d.extra[0].1 = USE.replace("id<CoworkerDiscountCode>", "id<DiscountCode>");
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("DiscountUse,"),
        "`DiscountUse` has no `id<CoworkerDiscountCode>` field to link its records to the parent",
        Some("add the field to `DiscountUse`"),
    );
}

#[test]
fn child_with_the_name_of_a_field() {
    let d = with_children(
        "  - {wire: notes, entity: DiscountUse, properties: [Amount], docs: Uses made with the code.}",
    );
    assert_error(
        &d.error(),
        ENTITY,
        d.entity_at("notes,"),
        "child array `notes` has the name of the field `Notes`",
        None,
    );
}
