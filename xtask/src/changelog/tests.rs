//! The changelog on pairs of specs: the fixture spec of the snapshot tests
//! (`tests/fixtures/spec`: every field type, write rule, filter kind and endpoint kind, an
//! inline child array) with the real `service.yaml`, and one small textual edit per case
//! (asserted to apply exactly once). Each case checks the kind of change, its class and why
//! it breaks; the reverse edit is checked where it is the opposite class.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::model::Api;
use codegen::spec::{SourceFile, load_sources};

use super::diff::{self, Change, Kind, Section};
use super::version::Verdict;
use super::{Comparison, Release, file, git, markdown};
use crate::temp::TempDir;

const SERVICE: &str = "service.yaml";
const ENUMS: &str = "enums.yaml";
const WIDGET: &str = "inventory/widget.yaml";
const GADGET: &str = "catalog/gadget.yaml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A spec's files by their path in the spec folder.
#[derive(Clone)]
struct Spec(BTreeMap<String, String>);

impl Spec {
    fn fixture() -> Spec {
        let fixtures = root().join("tests/fixtures/spec");
        let mut files = BTreeMap::new();
        files.insert(SERVICE.to_owned(), read(&root().join("spec").join(SERVICE)));
        for name in [ENUMS, WIDGET, GADGET] {
            files.insert(name.to_owned(), read(&fixtures.join(name)));
        }
        Spec(files)
    }

    /// Replaces the one occurrence of `old` in `file` by `new`.
    fn edit(mut self, file: &str, old: &str, new: &str) -> Spec {
        let text = self.0.get_mut(file).expect("a file of the spec");
        assert_eq!(
            text.matches(old).count(),
            1,
            "the edit must apply exactly once; `{old}` is not unique or not in {file}"
        );
        *text = text.replacen(old, new, 1);
        self
    }

    fn with(mut self, file: &str, text: &str) -> Spec {
        self.0.insert(file.to_owned(), text.to_owned());
        self
    }

    fn load(&self) -> Api {
        let root = Path::new("spec");
        let files = self
            .0
            .iter()
            .map(|(path, text)| SourceFile {
                path: root.join(path),
                text: text.clone(),
            })
            .collect();
        load_sources(root, files).unwrap_or_else(|e| panic!("the spec does not load:\n{e}"))
    }

    fn write_to(&self, dir: &Path) {
        for (path, text) in &self.0 {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            fs::write(&path, text).expect("write");
        }
    }
}

fn compare(old: &Spec, new: &Spec) -> Vec<Change> {
    diff::compare(&old.load(), &new.load())
}

/// The one change of `section` about `subject`.
fn find<'a>(changes: &'a [Change], section: Section, subject: &str) -> &'a Change {
    let found: Vec<&Change> = changes
        .iter()
        .filter(|c| c.section == section && c.subject == subject)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {section:?} change of `{subject}` expected in {changes:#?}"
    );
    found[0]
}

/// The only change there is.
fn only(changes: &[Change]) -> &Change {
    assert_eq!(changes.len(), 1, "one change expected: {changes:#?}");
    &changes[0]
}

fn assert_breaks(change: &Change, reasons: &[&str]) {
    assert!(change.is_breaking(), "breaking expected: {change:#?}");
    for reason in reasons {
        assert!(
            change.breaks.iter().any(|b| b == reason),
            "`{reason}` expected among {:#?}",
            change.breaks
        );
    }
}

fn assert_not_breaking(change: &Change) {
    assert!(!change.is_breaking(), "not breaking expected: {change:#?}");
}

const DISCOUNT: &str = "  - wire: Discount\n    type: money\n    docs: Optional discount.\n";

#[test]
fn identical_specs_have_no_change() {
    let changes = compare(&Spec::fixture(), &Spec::fixture());
    assert_eq!(changes, []);
    assert_eq!(Verdict::of(&changes), Verdict::Unchanged);
    let context = markdown::Context {
        since: "abc1234",
        version: None,
        breaking_only: false,
    };
    assert_eq!(
        markdown::body(&changes, &context),
        "**No change** to the crate's API since `abc1234`.\n"
    );
}

#[test]
fn a_new_optional_field_is_not_breaking_and_a_new_required_one_is() {
    let new_field = |extra: &str| {
        Spec::fixture().edit(
            WIDGET,
            "  - wire: RetiredReason\n",
            &format!("  - wire: Colourway\n    type: string\n{extra}    docs: New.\n  - wire: RetiredReason\n"),
        )
    };
    let changes = compare(&Spec::fixture(), &new_field(""));
    let change = only(&changes);
    assert_eq!(
        (change.section, change.kind, change.owner.as_str()),
        (Section::Fields, Kind::Added, "Widget")
    );
    assert_eq!(change.what, "added (`string`, write `[create, update]`)");
    assert_not_breaking(change);

    let changes = compare(&Spec::fixture(), &new_field("    required: true\n"));
    assert_breaks(
        only(&changes),
        &["`NewWidget::new` takes a new argument `colourway`"],
    );
}

#[test]
fn a_removed_field_breaks_every_item_that_held_it() {
    let without = Spec::fixture().edit(WIDGET, DISCOUNT, "");
    let changes = compare(&Spec::fixture(), &without);
    let change = only(&changes);
    assert_eq!(
        (change.section, change.kind),
        (Section::Fields, Kind::Removed)
    );
    assert_breaks(
        change,
        &[
            "`Widget::discount` is gone",
            "`WidgetListItem::discount` is gone",
            "`NewWidget::with_discount` is gone",
            "`WidgetUpdate::discount` is gone",
        ],
    );
    // And back: a new optional field.
    let changes = compare(&without, &Spec::fixture());
    assert_eq!(only(&changes).kind, Kind::Added);
    assert_not_breaking(only(&changes));
}

#[test]
fn a_changed_type_breaks_unless_the_rust_type_is_the_same() {
    let json_to_string = Spec::fixture().edit(
        WIDGET,
        "    type: json\n    docs: Free JSON.",
        "    type: string\n    docs: Free JSON.",
    );
    let changes = compare(&Spec::fixture(), &json_to_string);
    let change = only(&changes);
    assert_eq!(change.what, "type `json` → `string`");
    assert_breaks(
        change,
        &["`Widget::settings` is `Option<String>`, was `Option<serde_json::Value>`"],
    );

    // Decimal and money are both `Decimal`: the schema changes, the Rust API does not.
    let decimal_to_money = Spec::fixture().edit(WIDGET, "    type: decimal\n", "    type: money\n");
    let changes = compare(&Spec::fixture(), &decimal_to_money);
    assert_eq!(only(&changes).what, "type `decimal` → `money`");
    assert_not_breaking(only(&changes));
}

#[test]
fn a_field_that_becomes_nullable_or_not_breaks_the_record() {
    let nullable = Spec::fixture().edit(WIDGET, "    nullable: false\n", "");
    let changes = compare(&Spec::fixture(), &nullable);
    let change = only(&changes);
    assert_eq!(change.what, "nullable false → true");
    assert_breaks(
        change,
        &[
            "`Widget::weight` is `Option<i64>`, was `i64`",
            "`WidgetUpdate::weight` is `Option<i64>`, was `i64`",
        ],
    );
    assert_breaks(
        only(&compare(&nullable, &Spec::fixture())),
        &["`Widget::weight` is `i64`, was `Option<i64>`"],
    );
}

#[test]
fn a_body_that_may_write_a_field_more_is_not_breaking_and_less_is() {
    let also_create = Spec::fixture().edit(
        WIDGET,
        "    write: [update]\n    docs: Settable on update only.",
        "    write: [create, update]\n    docs: Settable on update only.",
    );
    let changes = compare(&Spec::fixture(), &also_create);
    assert_eq!(only(&changes).what, "write `[update]` → `[create, update]`");
    assert_not_breaking(only(&changes));
    assert_breaks(
        only(&compare(&also_create, &Spec::fixture())),
        &["`NewWidget::with_retired_reason` is gone"],
    );

    // A server-set field the update body may now send: a new public field of the body.
    let writable = Spec::fixture().edit(
        WIDGET,
        "    write: []\n    docs: Set by the server.",
        "    write: [update]\n    docs: Set by the server.",
    );
    assert_not_breaking(only(&compare(&Spec::fixture(), &writable)));
}

#[test]
fn a_field_that_becomes_required_or_optional_changes_new() {
    let required = Spec::fixture().edit(
        WIDGET,
        DISCOUNT,
        &DISCOUNT.replace("    docs:", "    required: true\n    docs:"),
    );
    let changes = compare(&Spec::fixture(), &required);
    let change = only(&changes);
    // Not nullable either: `nullable` defaults to not `required`.
    assert_eq!(change.what, "required false → true; nullable true → false");
    assert_breaks(
        change,
        &[
            "`NewWidget::with_discount` is gone",
            "`NewWidget::new` takes a new argument `discount`",
            "`Widget::discount` is `Decimal`, was `Option<Decimal>`",
        ],
    );

    let optional = Spec::fixture().edit(
        WIDGET,
        "    type: integer\n    required: true\n    docs: How many.",
        "    type: integer\n    nullable: false\n    docs: How many.",
    );
    let changes = compare(&Spec::fixture(), &optional);
    assert_eq!(only(&changes).what, "required true → false");
    assert_breaks(
        only(&changes),
        &["`NewWidget::new` no longer takes the argument `quantity` (it is a setter now)"],
    );
}

#[test]
fn list_records_pii_and_flags() {
    let listed = Spec::fixture().edit(
        WIDGET,
        "    in_list: false\n    docs: Parts, left out of list records.",
        "    docs: Parts, left out of list records.",
    );
    let changes = compare(&Spec::fixture(), &listed);
    assert_eq!(only(&changes).what, "in list records false → true");
    assert_not_breaking(only(&changes));
    assert_breaks(
        only(&compare(&listed, &Spec::fixture())),
        &["`WidgetListItem::part_ids` is gone"],
    );

    // Data of `SCHEMA` only.
    let pii = Spec::fixture().edit(
        WIDGET,
        "    pii: NAME\n    docs: Its name.",
        "    pii: BIO\n    flag: title\n    docs: Its name.",
    );
    let changes = compare(&Spec::fixture(), &pii);
    assert_eq!(
        only(&changes).what,
        "PII `NAME` → `BIO`; command-line flag default → `title`"
    );
    assert_not_breaking(only(&changes));
}

#[test]
fn a_new_rust_name_breaks() {
    let renamed = Spec::fixture().edit(WIDGET, "    rust: Color\n", "    rust: Hue\n");
    let changes = compare(&Spec::fixture(), &renamed);
    let change = only(&changes);
    assert_eq!(change.what, "Rust name `color` → `hue`");
    assert_breaks(
        change,
        &[
            "`Widget::color` is now `Widget::hue`",
            "`NewWidget::with_color` is now `NewWidget::with_hue`",
        ],
    );
}

#[test]
fn required_arguments_in_another_order_break() {
    let quantity =
        "  - wire: Quantity\n    type: integer\n    required: true\n    docs: How many.\n";
    let price = "  - wire: Price\n    type: money\n    required: true\n    docs: Unit price.\n";
    let swapped = Spec::fixture().edit(
        WIDGET,
        &format!("{quantity}{price}"),
        &format!("{price}{quantity}"),
    );
    let changes = compare(&Spec::fixture(), &swapped);
    let change = only(&changes);
    assert_eq!(
        (change.section, change.subject.as_str()),
        (Section::Fields, "NewWidget::new")
    );
    assert_eq!(
        change.what,
        "arguments reordered: (OwnerId, Quantity, Price, Name) → (OwnerId, Price, Quantity, Name)"
    );
    assert_breaks(
        change,
        &["`NewWidget::new` takes its arguments in another order"],
    );
}

#[test]
fn joined_fields() {
    let added = Spec::fixture().edit(
        WIDGET,
        "  joined:\n",
        "  joined:\n    - wire: OwnerEmail\n      type: string\n      docs: The owner's email.\n",
    );
    let changes = compare(&Spec::fixture(), &added);
    assert_eq!(
        (only(&changes).section, only(&changes).kind),
        (Section::Joined, Kind::Added)
    );
    assert_not_breaking(only(&changes));
    assert_breaks(
        only(&compare(&added, &Spec::fixture())),
        &["`WidgetListItem::owner_email` is gone"],
    );

    // Its filter takes the new type too.
    let retyped = Spec::fixture().edit(
        WIDGET,
        "      type: string\n      pii: NAME\n      docs: The owner's name.",
        "      type: integer\n      pii: NAME\n      docs: The owner's name.",
    );
    let changes = compare(&Spec::fixture(), &retyped);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_breaks(
        find(&changes, Section::Joined, "OwnerFullName"),
        &["`WidgetListItem::owner_full_name` is `Option<i64>`, was `Option<String>`"],
    );
    assert_breaks(
        find(&changes, Section::Filters, "Widget_Owner_FullName"),
        &["`WidgetFilter::OwnerFullName` takes `i64`, took `String`"],
    );
}

#[test]
fn inline_children() {
    const PROPERTIES: &str = "properties: [Label, Count, MakerEmail]";
    // A new optional property, from a new field of the element's entity.
    let colour = Spec::fixture()
        .edit(
            GADGET,
            "  - wire: MakerEmail\n",
            "  - wire: Colour\n    type: string\n    docs: Its colour.\n  - wire: MakerEmail\n",
        )
        .edit(
            WIDGET,
            PROPERTIES,
            "properties: [Label, Count, MakerEmail, Colour]",
        );
    let changes = compare(&Spec::fixture(), &colour);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_not_breaking(find(&changes, Section::Fields, "Colour"));
    let property = find(&changes, Section::Children, "Gadgets.Colour");
    assert_eq!(property.kind, Kind::Added);
    assert_not_breaking(property);

    // A property removed from the element.
    let fewer = Spec::fixture().edit(WIDGET, PROPERTIES, "properties: [Label, Count]");
    let changes = compare(&Spec::fixture(), &fewer);
    assert_breaks(
        find(&changes, Section::Children, "Gadgets.MakerEmail"),
        &["`InlineGadget::with_maker_email` is gone"],
    );

    // A property the element's entity no longer requires on create.
    let optional = Spec::fixture().edit(
        GADGET,
        "    required: true\n    write: [create]\n",
        "    nullable: false\n    write: [create]\n",
    );
    let changes = compare(&Spec::fixture(), &optional);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_breaks(
        find(&changes, Section::Children, "Gadgets.Count"),
        &["`InlineGadget::new` no longer takes the argument `count` (it is a setter now)"],
    );

    // The whole array: gone breaks both bodies, new breaks nothing.
    let text = read(&root().join("tests/fixtures/spec").join(WIDGET));
    let start = text.find("children:\n").expect("the fixture has children");
    let end = text.find("endpoints:\n").expect("and endpoints after them");
    let none = Spec::fixture().edit(WIDGET, &text[start..end], "");
    let changes = compare(&Spec::fixture(), &none);
    let change = only(&changes);
    assert_eq!(
        (change.section, change.kind),
        (Section::Children, Kind::Removed)
    );
    assert_breaks(
        change,
        &[
            "`NewWidget::with_gadgets` is gone",
            "`WidgetUpdate::gadgets` is gone",
        ],
    );
    assert_not_breaking(only(&compare(&none, &Spec::fixture())));
}

#[test]
fn filters() {
    let added = Spec::fixture().edit(
        WIDGET,
        "\nfilters:\n",
        "\nfilters:\n  - query: Widget_Weight\n    field: Weight\n    docs: By weight.\n",
    );
    let changes = compare(&Spec::fixture(), &added);
    assert_eq!(
        only(&changes).what,
        "added: `WidgetFilter::Weight(i64)` on `Weight`"
    );
    assert_not_breaking(only(&changes));
    assert_breaks(
        only(&compare(&added, &Spec::fixture())),
        &["`WidgetFilter::Weight` is gone"],
    );

    // The query is the wire; the variant is the Rust API.
    let query = Spec::fixture().edit(WIDGET, "query: Widget_Type\n", "query: Widget_Kind\n");
    let changes = compare(&Spec::fixture(), &query);
    assert_eq!(only(&changes).what, "query `Widget_Type` → `Widget_Kind`");
    assert_not_breaking(only(&changes));

    let variant = Spec::fixture().edit(WIDGET, "    rust: Kind\n", "    rust: Category\n");
    assert_breaks(
        only(&compare(&Spec::fixture(), &variant)),
        &["`WidgetFilter::Kind` is now `WidgetFilter::Category`"],
    );

    let retyped = Spec::fixture().edit(
        WIDGET,
        "    field: Quantity\n    docs: By quantity.",
        "    field: Name\n    docs: By quantity.",
    );
    let changes = compare(&Spec::fixture(), &retyped);
    assert_eq!(
        only(&changes).what,
        "field `Quantity` → `Name`; value `i64` → `String`"
    );
    assert_breaks(
        only(&changes),
        &["`WidgetFilter::Quantity` takes `String`, took `i64`"],
    );
}

#[test]
fn range_filters() {
    let ratio = "  - from: from_Widget_Ratio\n    to: to_Widget_Ratio\n    field: Ratio\n    docs: Decimal range.\n";
    let without = Spec::fixture().edit(WIDGET, ratio, "");
    let changes = compare(&Spec::fixture(), &without);
    let change = only(&changes);
    assert_eq!(
        (change.section, change.kind),
        (Section::RangeFilters, Kind::Removed)
    );
    assert_breaks(
        change,
        &["`WidgetFilter::FromRatio` and `WidgetFilter::ToRatio` are gone"],
    );
    assert_not_breaking(only(&compare(&without, &Spec::fixture())));

    let renamed = Spec::fixture().edit(
        WIDGET,
        ratio,
        &ratio.replace("from_Widget_Ratio", "from_Widget_TheRatio"),
    );
    let changes = compare(&Spec::fixture(), &renamed);
    assert_eq!(
        only(&changes).what,
        "query `from_Widget_Ratio` → `from_Widget_TheRatio`"
    );
    assert_not_breaking(only(&changes));
}

#[test]
fn sort_fields() {
    let changed = Spec::fixture().edit(
        WIDGET,
        "sort: [Id, Name, Price, CreatedOn]",
        "sort: [Id, Name, CreatedOn, Quantity]",
    );
    let changes = compare(&Spec::fixture(), &changed);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_breaks(
        find(&changes, Section::Sort, "Price"),
        &["`WidgetSort::Price` is gone"],
    );
    let added = find(&changes, Section::Sort, "Quantity");
    assert_eq!(added.kind, Kind::Added);
    assert_not_breaking(added);
}

#[test]
fn endpoints_and_roles() {
    let delete = "  delete: {path: \"/api/inventory/widgets/{Id}\", role: Widget-Delete, docs: Deletes a widget.}\n";
    let without = Spec::fixture().edit(WIDGET, delete, "");
    let changes = compare(&Spec::fixture(), &without);
    let change = only(&changes);
    assert_eq!(
        (change.section, change.subject.as_str(), change.kind),
        (Section::Endpoints, "delete", Kind::Removed)
    );
    assert_breaks(
        change,
        &["the constant `DELETE` and the method `Widgets::delete` are gone"],
    );
    assert_not_breaking(only(&compare(&without, &Spec::fixture())));

    // Without create, the create body and the inline elements' type go too.
    let create =
        "  create: {path: /api/inventory/widgets, role: Widget-Create, docs: Creates a widget.}\n";
    let update =
        "  update: {path: /api/inventory/widgets, role: Widget-Edit, docs: Updates a widget.}\n";
    let read_only = Spec::fixture()
        .edit(WIDGET, create, "")
        .edit(WIDGET, update, "");
    let changes = compare(&Spec::fixture(), &read_only);
    assert_breaks(
        find(&changes, Section::Endpoints, "create"),
        &["`NewWidget`, `InlineGadget` are gone"],
    );
    assert_breaks(
        find(&changes, Section::Endpoints, "update"),
        &[
            "the constant `UPDATE` and the methods `Widgets::update`, `Widgets::modify` are gone",
            "`WidgetUpdate`, `Widget::to_update`, `InlineGadget` are gone",
        ],
    );

    // The path and the role are the wire and data: the Rust API is the same.
    let moved = Spec::fixture()
        .edit(
            WIDGET,
            "list: {path: /api/inventory/widgets, role: Widget-List",
            "list: {path: /api/inventory/widgets/all, role: Widget-List",
        )
        .edit(
            WIDGET,
            "role: Widget-Read, docs: Gets a widget.",
            "role: Widget-List, docs: Gets a widget.",
        );
    let changes = compare(&Spec::fixture(), &moved);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    let path = find(&changes, Section::Endpoints, "list");
    assert_eq!(
        path.what,
        "path `/api/inventory/widgets` → `/api/inventory/widgets/all`"
    );
    assert_not_breaking(path);
    let role = find(&changes, Section::Roles, "get");
    assert_eq!(role.what, "role `Widget-Read` → `Widget-List`");
    assert_not_breaking(role);
}

const SPROCKET: &str = "entity: Sprocket
docs: A fixture entity of the changelog's tests.
sources: [NOTES.md]
fields:
  - wire: Teeth
    type: integer
    docs: How many teeth.
endpoints:
  get: {path: \"/api/catalog/sprockets/{Id}\", role: Sprocket-Read, docs: Gets a sprocket.}
";

#[test]
fn entities() {
    let added = Spec::fixture().with("catalog/sprocket.yaml", SPROCKET);
    let changes = compare(&Spec::fixture(), &added);
    // Its id comes with it: no change of its own.
    let change = only(&changes);
    assert_eq!(
        (change.section, change.owner.as_str(), change.kind),
        (Section::Entities, "Sprocket", Kind::Added)
    );
    assert_eq!(
        change.what,
        "added in `catalog` (`nexudus::catalog::sprockets`): 11 fields; endpoints get"
    );
    assert_not_breaking(change);

    let changes = compare(&added, &Spec::fixture());
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_breaks(
        find(&changes, Section::Entities, ""),
        &["the module `nexudus::catalog::sprockets` and the feature `sprockets` are gone"],
    );
    assert_breaks(
        find(&changes, Section::Ids, ""),
        &["`ids::SprocketId` is gone"],
    );

    let moved = Spec::fixture().with(
        "inventory/sprocket.yaml",
        &SPROCKET.replace("/api/catalog/", "/api/inventory/"),
    );
    let changes = compare(&added, &moved);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    let area = find(&changes, Section::Entities, "");
    assert_eq!(area.what, "area `catalog` → `inventory`");
    assert_breaks(
        area,
        &["its module moved from `nexudus::catalog::sprockets` to `nexudus::inventory::sprockets`"],
    );
    assert_not_breaking(find(&changes, Section::Endpoints, "get"));
}

#[test]
fn enumerations_and_their_values() {
    let values = |text: &str| {
        Spec::fixture().edit(
            ENUMS,
            "      - {value: 1, name: Small}\n      - {value: 2, name: Large, docs: Needs two slots.}\n      - {value: 10, name: Custom}\n",
            text,
        )
    };
    let more = values(
        "      - {value: 1, name: Small}\n      - {value: 2, name: Large, docs: Needs two slots.}\n      - {value: 10, name: Custom}\n      - {value: 20, name: Huge}\n",
    );
    let changes = compare(&Spec::fixture(), &more);
    let change = only(&changes);
    assert_eq!(
        (
            change.section,
            change.owner.as_str(),
            change.subject.as_str()
        ),
        (Section::Enums, "eWidgetSize", "Huge")
    );
    assert_eq!(
        change.what,
        "value 20 added (`WidgetSize::Huge`; read as `Unknown` before)"
    );
    assert_not_breaking(change);
    assert_breaks(
        only(&compare(&more, &Spec::fixture())),
        &["`WidgetSize::Huge` is gone; 20 reads as `Unknown`"],
    );

    let renamed_and_renumbered = values(
        "      - {value: 1, name: Tiny}\n      - {value: 2, name: Large, docs: Needs two slots.}\n      - {value: 11, name: Custom}\n",
    );
    let changes = compare(&Spec::fixture(), &renamed_and_renumbered);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_breaks(
        find(&changes, Section::Enums, "Tiny"),
        &["`WidgetSize::Small` is now `WidgetSize::Tiny`"],
    );
    assert_breaks(
        find(&changes, Section::Enums, "Custom"),
        &["`WidgetSize::Custom` is 11 on the wire, was 10"],
    );

    // An enumeration no entity uses is always compiled; once one uses it, only with that
    // entity's features.
    let finish = "  - name: eFinish\n    docs: A finish.\n    sources: [NOTES.md]\n    values: [{value: 1, name: Matte}]\n";
    let unused = Spec::fixture().edit(
        ENUMS,
        "  - name: eShade\n",
        &format!("{finish}  - name: eShade\n"),
    );
    let changes = compare(&Spec::fixture(), &unused);
    assert_eq!(only(&changes).kind, Kind::Added);
    assert_not_breaking(only(&changes));
    assert_breaks(
        only(&compare(&unused, &Spec::fixture())),
        &["`enums::Finish` is gone"],
    );
    let used = unused.clone().edit(
        WIDGET,
        "  - wire: RetiredReason\n",
        "  - wire: Finish\n    type: enum<eFinish>\n    docs: Its finish.\n  - wire: RetiredReason\n",
    );
    let changes = compare(&unused, &used);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_not_breaking(find(&changes, Section::Fields, "Finish"));
    let gated = find(&changes, Section::Enums, "");
    assert_eq!(
        gated.what,
        "now compiled only with the features that use it: `#[cfg(any(feature=\"schemas\",feature=\"widgets\"))]`"
    );
    assert_breaks(
        gated,
        &["`enums::Finish` was always compiled; a build without those features loses it"],
    );
}

#[test]
fn command_keys() {
    let more = Spec::fixture().edit(
        WIDGET,
        "commands:\n",
        "commands:\n  - key: ARCHIVE\n    docs: Another key.\n",
    );
    let changes = compare(&Spec::fixture(), &more);
    assert_eq!(only(&changes).what, "added (`command_keys::ARCHIVE`)");
    assert_not_breaking(only(&changes));
    assert_breaks(
        only(&compare(&more, &Spec::fixture())),
        &["`nexudus::inventory::widgets::command_keys::ARCHIVE` is gone"],
    );
}

#[test]
fn a_typed_id_no_field_names_any_more_is_gone() {
    let no_parts = Spec::fixture()
        .edit(
            WIDGET,
            "  - wire: PartIds\n    type: ids<Product>\n    in_list: false\n    docs: Parts, left out of list records.\n",
            "",
        )
        .edit(
            WIDGET,
            "  - wire: AddedPartIds\n    type: ids<Product>\n    read: false\n    write: [update]\n    docs: Parts to add to `PartIds`, keeping the others; only update bodies carry it.\n",
            "",
        )
        .edit(
            WIDGET,
            "  - query: Widget_Parts\n    field: PartIds\n    docs: Widgets whose parts include this one.\n",
            "",
        );
    let changes = compare(&Spec::fixture(), &no_parts);
    assert_eq!(changes.len(), 4, "{changes:#?}");
    assert!(changes.iter().all(Change::is_breaking), "{changes:#?}");
    assert_breaks(
        find(&changes, Section::Ids, ""),
        &["`ids::ProductId` is gone"],
    );
    assert_breaks(
        find(&changes, Section::Fields, "AddedPartIds"),
        &["`WidgetUpdate::added_part_ids` is gone"],
    );
}

fn change(section: Section, owner: &str, subject: &str, kind: Kind, breaks: &[&str]) -> Change {
    Change {
        section,
        owner: owner.to_owned(),
        subject: subject.to_owned(),
        kind,
        what: match kind {
            Kind::Added => "added".to_owned(),
            Kind::Removed => "removed".to_owned(),
            Kind::Changed => "changed".to_owned(),
        },
        breaks: breaks.iter().map(|b| (*b).to_owned()).collect(),
    }
}

#[test]
fn markdown_has_a_summary_a_table_and_sections_grouped_by_entity() {
    let mut changes = vec![
        change(Section::Entities, "Sprocket", "", Kind::Added, &[]),
        change(
            Section::Fields,
            "Widget",
            "Discount",
            Kind::Removed,
            &[
                "`Widget::discount` is gone",
                "`NewWidget::with_discount` is gone",
            ],
        ),
    ];
    for i in 0..11 {
        let owner = if i < 4 { "Gadget" } else { "Widget" };
        changes.push(change(
            Section::Fields,
            owner,
            &format!("New{i}"),
            Kind::Added,
            &[],
        ));
    }
    changes.push(change(Section::Roles, "Widget", "get", Kind::Changed, &[]));
    changes.push(change(
        Section::Sort,
        "Widget",
        "Quantity",
        Kind::Added,
        &[],
    ));
    changes.push(change(
        Section::Sort,
        "Widget",
        "Price",
        Kind::Removed,
        &["`WidgetSort::Price` is gone"],
    ));
    // As `diff::compare` answers them: by section, then owner.
    changes.sort_by(|a, b| (a.section, &a.owner).cmp(&(b.section, &b.owner)));
    let context = markdown::Context {
        since: "abc1234",
        version: Some(("0.1.0", "0.2.0")),
        breaking_only: false,
    };
    let text = markdown::body(&changes, &context);
    assert!(
        text.starts_with(
            "**Breaking**: 16 changes since `abc1234`, 2 breaking (13 added, 2 removed, \
             1 changed). Version 0.1.0 → 0.2.0.\n"
        ),
        "{text}"
    );
    let table = "| | added | removed | changed | breaking |\n|---|---:|---:|---:|---:|\n\
                 | Entities | 1 | 0 | 0 | 0 |\n\
                 | Roles | 0 | 0 | 1 | 0 |\n\
                 | Fields | 11 | 1 | 0 | 1 |\n\
                 | Sort fields | 1 | 1 | 0 | 1 |\n\
                 | **all** | **13** | **2** | **1** | **2** |\n";
    assert!(text.contains(table), "{text}");
    // A change of the entity itself is one line.
    assert!(
        text.contains("### Entities: 1 change, 0 breaking\n\n- `Sprocket`: added\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "### Roles: 1 change, 0 breaking\n\n- **`Widget`**: 1 change\n  - `get`: changed\n"
        ),
        "{text}"
    );
    // A short section is one list: each entity once, its breaking changes first.
    assert!(
        text.contains(
            "### Sort fields: 2 changes, 1 breaking\n\n- **`Widget`**: 2 changes\n  \
             - **breaking** `Price`: removed. Breaks: `WidgetSort::Price` is gone.\n  \
             - `Quantity`: added\n"
        ),
        "{text}"
    );
    // A long one: the breaking changes in full; the many others folded, still grouped.
    let fields = &text[text.find("### Fields").expect("a Fields section")..];
    let fields = &fields[..fields[1..]
        .find("\n### ")
        .map_or(fields.len(), |end| end + 1)];
    assert!(
        fields.starts_with(
            "### Fields: 12 changes in 2 entities, 1 breaking\n\n\
             - **`Widget`**: 1 change\n  \
             - **breaking** `Discount`: removed. Breaks: `Widget::discount` is gone; \
             `NewWidget::with_discount` is gone.\n\n\
             <details><summary>11 changes not breaking in 2 entities</summary>\n\n\
             - **`Gadget`**: 4 changes\n  - `New0`: added\n"
        ),
        "{fields}"
    );
    assert!(
        fields.contains("- **`Widget`**: 7 changes\n  - `New4`: added\n"),
        "{fields}"
    );
    assert!(fields.trim_end().ends_with("</details>"), "{fields}");
    // Sections in their order.
    let at = |heading: &str| text.find(heading).expect(heading);
    assert!(at("### Entities") < at("### Roles") && at("### Roles") < at("### Fields"));

    // For a pull request's description: the breaking changes, and counts of the others.
    let brief = markdown::body(
        &changes,
        &markdown::Context {
            breaking_only: true,
            ..context
        },
    );
    assert!(brief.contains(table), "the same table: {brief}");
    assert!(
        brief.contains(
            "### Fields: 12 changes in 2 entities, 1 breaking\n\n\
             - **`Widget`**: 1 change\n  \
             - **breaking** `Discount`: removed. Breaks: `Widget::discount` is gone; \
             `NewWidget::with_discount` is gone.\n\n\
             11 changes not breaking in 2 entities: not listed here.\n"
        ),
        "{brief}"
    );
    assert!(
        brief.contains(
            "### Roles: 1 change, 0 breaking\n\n1 change not breaking: not listed here.\n"
        ),
        "{brief}"
    );
    assert!(
        !brief.contains("<details>") && !brief.contains("`New4`"),
        "{brief}"
    );

    let not_breaking: Vec<Change> = changes
        .iter()
        .filter(|c| !c.is_breaking())
        .cloned()
        .collect();
    let context = markdown::Context {
        since: "abc1234",
        version: Some(("0.1.0", "0.1.1")),
        breaking_only: false,
    };
    let text = markdown::body(&not_breaking, &context);
    assert!(
        text.starts_with("**Not breaking**: 14 changes since `abc1234`, 0 breaking"),
        "{text}"
    );
    assert!(!text.contains("**breaking**"), "{text}");
}

#[test]
fn write_prepends_a_section_with_the_next_version_and_leaves_the_manifest() {
    let dir = TempDir::new("changelog-write").expect("temp dir");
    let manifest = "[package]\nname = \"nexudus\"\nversion = \"0.3.1\"\n";
    fs::write(dir.path().join("Cargo.toml"), manifest).expect("write");
    let breaking = Comparison {
        since: "abc1234".to_owned(),
        changes: compare(
            &Spec::fixture(),
            &Spec::fixture().edit(WIDGET, DISCOUNT, ""),
        ),
    };
    let release = Release::of(&breaking, dir.path(), dir.path()).expect("a release");
    let message = release.write(dir.path()).expect("written");
    assert!(message.contains("set `version = \"0.4.0\"`"), "{message}");
    let path = dir.path().join(file::FILE);
    let text = read(&path);
    assert!(
        text.starts_with(&format!(
            "{}\n## 0.4.0 (breaking, since `abc1234`)\n\n**Breaking**: 1 change",
            file::HEADER
        )),
        "{text}"
    );
    assert!(text.contains("**breaking** `Discount`: removed."), "{text}");

    let not_breaking = Comparison {
        since: "def5678".to_owned(),
        changes: compare(
            &Spec::fixture().edit(WIDGET, DISCOUNT, ""),
            &Spec::fixture(),
        ),
    };
    Release::of(&not_breaking, dir.path(), dir.path())
        .expect("a release")
        .write(dir.path())
        .expect("written");
    let text = read(&path);
    let newest = text
        .find("## 0.3.2 (not breaking, since `def5678`)")
        .expect("0.3.2");
    let older = text.find("## 0.4.0").expect("0.4.0 kept");
    assert!(newest < older, "{text}");
    assert_eq!(
        read(&dir.path().join("Cargo.toml")),
        manifest,
        "the manifest is not edited"
    );

    let unchanged = Comparison {
        since: "def5678".to_owned(),
        changes: Vec::new(),
    };
    let message = Release::of(&unchanged, dir.path(), dir.path())
        .expect("a release")
        .write(dir.path())
        .expect("nothing to write");
    assert!(message.starts_with("no change"), "{message}");
    assert_eq!(read(&path), text);
}

#[test]
fn gen_check_neither_flags_nor_removes_the_changelog() {
    let out = TempDir::new("changelog-gen").expect("temp dir");
    let spec = root().join("spec");
    crate::generate::run(&spec, out.path(), false).expect("generates");
    let path = out.path().join(file::FILE);
    fs::write(
        &path,
        file::prepend(None, "0.2.0", "## 0.2.0\n\nA change.\n"),
    )
    .expect("write");
    crate::generate::run(&spec, out.path(), true).expect("CHANGELOG.md is not stale");
    crate::generate::run(&spec, out.path(), false).expect("generates again");
    assert!(path.is_file(), "CHANGELOG.md is kept");
}

/// A git repository of its own in a temporary folder, so that the tests depend neither on
/// this checkout's history nor on a full clone.
struct Repo(TempDir);

impl Repo {
    fn new(name: &str) -> Repo {
        let repo = Repo(TempDir::new(name).expect("temp dir"));
        repo.git(&["init", "--quiet"]);
        repo
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(self.path())
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Commits everything; answers the commit.
    fn commit(&self, message: &str) -> String {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--message", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

#[test]
fn loads_the_spec_of_the_last_change_or_of_a_named_commit() {
    let repo = Repo::new("changelog-git");
    fs::write(repo.path().join("README.md"), "no spec yet\n").expect("write");
    let without_spec = repo.commit("no spec");
    let spec = repo.path().join("spec");
    Spec::fixture().write_to(&spec);
    let with_spec = repo.commit("the spec");
    fs::write(repo.path().join("README.md"), "a spec\n").expect("write");
    repo.commit("not the spec");

    // The default: the last commit that changed spec/ (the only one, so even with the
    // working tree's spec/ the same), against the working tree.
    let revision = git::resolve(repo.path(), None).expect("resolves");
    assert_eq!(revision.commit, with_spec);
    assert!(with_spec.starts_with(&revision.label), "{}", revision.label);
    Spec::fixture().edit(WIDGET, DISCOUNT, "").write_to(&spec);
    let comparison = Comparison::between(repo.path(), None, &spec).expect("compares");
    assert_eq!(comparison.verdict(), Verdict::Breaking);
    assert_eq!(only(&comparison.changes).subject, "Discount");

    let label = git::resolve(repo.path(), Some("HEAD~1"))
        .expect("resolves")
        .label;
    assert!(label.starts_with("HEAD~1 ("), "{label}");

    let message = git::resolve(repo.path(), Some("no-such-ref")).expect_err("not a commit");
    assert_eq!(message, "`no-such-ref` is not a commit of this repository");

    let revision = git::resolve(repo.path(), Some(&without_spec)).expect("resolves");
    let message = git::load(repo.path(), &revision).expect_err("no spec there");
    assert!(message.starts_with("cannot read spec/ at "), "{message}");

    // Once the change is committed, the default is the spec change before it: the
    // changelog shows the last change rather than nothing.
    let changed = repo.commit("remove the discount");
    let revision = git::resolve(repo.path(), None).expect("resolves");
    assert_eq!(revision.commit, with_spec);
    let comparison = Comparison::between(repo.path(), None, &spec).expect("compares");
    assert_eq!(only(&comparison.changes).subject, "Discount");
    // An edit not committed yet is compared with the last commit again.
    Spec::fixture().write_to(&spec);
    let revision = git::resolve(repo.path(), None).expect("resolves");
    assert_eq!(revision.commit, changed);
}

#[test]
fn a_spec_that_does_not_load_is_reported_with_its_commit_and_files() {
    let repo = Repo::new("changelog-broken");
    let spec = repo.path().join("spec");
    Spec::fixture().write_to(&spec);
    repo.commit("a good spec");
    let broken = Spec::fixture().edit(WIDGET, "    type: json\n", "    type: jsn\n");
    broken.write_to(&spec);
    let message = Comparison::between(repo.path(), None, &spec)
        .err()
        .expect("the working tree's spec is broken");
    assert!(
        message.starts_with(&format!(
            "the working tree's {} does not load:\nerror: ",
            spec.display()
        )),
        "{message}"
    );

    repo.commit("a broken spec");
    let revision = git::resolve(repo.path(), Some("HEAD")).expect("resolves");
    let message = git::load(repo.path(), &revision).expect_err("does not load");
    assert!(
        message.starts_with(&format!(
            "the spec at {} does not load:\nerror: ",
            revision.label
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!("{}:spec/inventory/widget.yaml:", revision.label)),
        "{message}"
    );
    assert!(
        !message.contains("xtask-spec"),
        "no temporary path: {message}"
    );
}

#[test]
fn service_values_change_behaviour_and_the_current_user_endpoint_is_an_item() {
    let slower = Spec::fixture().edit(
        SERVICE,
        "{applies_to: all, count: 120, window_ms: 60000,",
        "{applies_to: all, count: 100, window_ms: 60000,",
    );
    let changes = compare(&Spec::fixture(), &slower);
    let change = only(&changes);
    assert_eq!(
        (change.section, change.subject.as_str(), change.kind),
        (Section::Service, "rate limits", Kind::Changed)
    );
    assert!(change.what.contains("120 per 60000 ms") && change.what.contains("100 per 60000 ms"));
    assert_not_breaking(change);

    let service = Spec::fixture().0[SERVICE].clone();
    let start = service.find("  current_user:").expect("the spec has one");
    let end = start + service[start..].find("\npaging:").expect("paging follows");
    let without = Spec::fixture().with(
        SERVICE,
        &format!("{}\n{}", &service[..start], &service[end..]),
    );
    let changes = compare(&Spec::fixture(), &without);
    let removed = only(&changes);
    assert_eq!(
        (removed.section, removed.kind),
        (Section::Service, Kind::Removed)
    );
    assert_breaks(
        removed,
        &["`Api::current_user` and `service::CURRENT_USER` are gone"],
    );
    assert_not_breaking(only(&compare(&without, &Spec::fixture())));
}
