//! Catalogue pages of this test's own making, in the catalogue's layout: read, drafted (and
//! the draft, once its docs are written, loaded by the real spec loader), and compared with
//! a spec.

use std::path::{Path, PathBuf};

use codegen::model::{Api, Type};
use codegen::spec::{SourceFile, load_sources};

use super::diff::{Difference, diff, type_fits};
use super::page::{CataloguePage, ChildOpt, Supports};
use super::*;

/// A gadget page: every section the reader knows, and a few things it must skip.
const GADGETS: &str = "# Gadgets

<!-- BEGIN:GENERATED entity=Gadgets -->

A **Gadget** is made for this test. Prose like `ThisField` is not read.

Gadgets support Search, Get, Create, Update (no Delete via API).
Gadgets also support entity commands.

| Command | Description |
| --- | --- |
| `nexudus gadgets list --agent` | List all gadgets |

#### Gadget list filter options

| Option | Type | Description |
| --- | --- | --- |
| `--coworker-id` | long |  |
| `--label` | string | Label |
| `--made-on` | DateTime |  |
| `--from-made-on` | range | |
| `--to-made-on` | range | |
| `--size` | enum | Size |
| `--tag-ids` | list, repeat flag |  |
| `--added-tag-ids` | list, repeat flag |  |
| `--from-created-on` | range | |
| `--to-created-on` | range | |

#### Gadget create options

| Option | Type | Description |
| --- | --- | --- |
| `--coworker-id` | long, required |  |
| `--label` | string, required | Label |
| `--size` | enum | Size. Create-only |
| `--secret-code` | string | Only bodies |
| `--parts` | JSON array or @filepath | Parts made with it |

#### Gadget update options

| Option | Type | Description |
| --- | --- | --- |
| `--label` | string | Label |
| `--size` | enum | Size. Create-only |
| `--parts` | JSON array or @filepath | Parts made with it |

#### Gadget PII fields

| Option | Category | Token example |
| --- | --- | --- |
| `--label` | `NAME` | `«PII:NAME:a3f2b1c9»` |
| `--owner-email` | `EMAIL` | `«PII:EMAIL:a3f2b1c9»` |

### Gadget (key fields)

`Id`, `Label`

**List properties (only returned by `get`, not by `list`):** `TagIds`, `AddedTagIds`

#### Gadget inline children

Gadget supports inline child objects on create and update.

**`--parts`** — Parts made with it

Writable properties: `Name`, `Weight`

```shell
nexudus gadgets create ... --parts '[{\"Name\": \"...\"}]' --agent
```

#### Gadget enum values

| Option | Valid values |
| ------ | ------------ |
| `--size` | `1` Small, `2` Large |

<!-- END:GENERATED entity=Gadgets -->
";

fn page() -> CataloguePage {
    CataloguePage::read(GADGETS).expect("a catalogue page")
}

#[test]
fn every_section_is_read() {
    let p = page();
    assert_eq!(
        (p.plural.as_str(), p.entity.as_str()),
        ("Gadgets", "Gadget")
    );
    assert_eq!(
        p.supports,
        Supports {
            search: true,
            get: true,
            create: true,
            update: true,
            delete: false,
            commands: true,
        }
    );
    let flags = |opts: &[super::page::Opt]| opts.iter().map(|o| o.flag.clone()).collect::<Vec<_>>();
    assert_eq!(
        flags(&p.filters),
        [
            "coworker-id",
            "label",
            "made-on",
            "size",
            "tag-ids",
            "added-tag-ids"
        ]
    );
    assert_eq!(p.ranges, ["made-on", "created-on"]);
    assert!(p.create[0].required && p.create[1].required && !p.create[2].required);
    assert!(p.create[2].says_create_only());
    assert_eq!(p.update.len(), 3);
    assert_eq!(
        p.pii,
        [
            ("label".to_owned(), "NAME".to_owned()),
            ("owner-email".to_owned(), "EMAIL".to_owned())
        ]
    );
    assert_eq!(
        p.enum_values("size"),
        Some(&[(1, "Small".to_owned()), (2, "Large".to_owned())][..])
    );
    assert_eq!(
        p.children,
        [ChildOpt {
            flag: "parts".into(),
            description: "Parts made with it".into(),
            properties: vec!["Name".into(), "Weight".into()],
        }]
    );
    assert_eq!(p.get_only, ["TagIds", "AddedTagIds"]);
    assert_eq!(p.key_fields, ["Id", "Label"]);
}

#[test]
fn fields_gather_every_section() {
    let fields = page().fields();
    let field = |wire: &str| {
        fields
            .iter()
            .find(|f| f.wire == wire)
            .unwrap_or_else(|| panic!("{wire}"))
    };
    let owner = field("CoworkerId");
    assert!(owner.filter && owner.create && !owner.update && owner.required);
    let size = field("Size");
    assert!(size.create && size.update && size.said_create_only);
    assert_eq!(field("Label").pii.as_deref(), Some("NAME"));
    assert!(field("MadeOn").range);
    assert!(field("OwnerEmail").display_only);
    assert!(field("TagIds").get_only && field("AddedTagIds").body_only);
    assert!(field("SecretCode").create && !field("SecretCode").filter);
    assert!(
        !fields.iter().any(|f| f.wire == "Parts"),
        "a child array is not a field"
    );
}

#[test]
fn a_page_without_the_marker_is_not_a_catalogue_page() {
    assert!(!is_catalogue(
        "# Gadgets\n\n{% api-method method=\"get\" %}"
    ));
    assert!(CataloguePage::read("# Gadgets\n").is_err());
    let no_heading = GADGETS.replace("#### Gadget list filter options", "#### Filters");
    let no_heading = no_heading
        .replace("#### Gadget create options", "")
        .replace("#### Gadget update options", "")
        .replace("#### Gadget PII fields", "")
        .replace("#### Gadget inline children", "")
        .replace("#### Gadget enum values", "");
    assert!(CataloguePage::read(&no_heading).is_err());
}

/// The real service file, an enums file, a part entity (the children's elements) and
/// whatever else a test adds, loaded by the real loader.
fn load(extra: &[(&str, String)]) -> Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let service = std::fs::read_to_string(root.join("service.yaml")).expect("service.yaml");
    let mut files = vec![
        SourceFile {
            path: PathBuf::from("spec/service.yaml"),
            text: service,
        },
        SourceFile {
            path: PathBuf::from("spec/enums.yaml"),
            text: "enums:\n  - name: eGadgetSize\n    docs: How big.\n    values:\n      - {value: 1, name: Small}\n"
                .into(),
        },
        SourceFile {
            path: PathBuf::from("spec/inventory/part.yaml"),
            text: PART.into(),
        },
    ];
    for (path, text) in extra {
        files.push(SourceFile {
            path: PathBuf::from("spec").join(path),
            text: text.clone(),
        });
    }
    load_sources(Path::new("spec"), files).unwrap_or_else(|e| panic!("{e}"))
}

const PART: &str = "\
entity: Part
docs: A part of a gadget.
sources: [\"000\"]
fields:
  - {wire: GadgetId, type: id<Gadget>, docs: The gadget.}
  - {wire: Name, type: string, required: true, docs: Its name.}
  - {wire: Weight, type: decimal, docs: Its weight.}
endpoints:
  get: {path: \"/api/inventory/parts/{Id}\", role: Part-Read, docs: Gets one.}
";

fn run(spec: &Api) -> Run<'_> {
    Run {
        spec,
        areas: [("Gadget".to_owned(), "inventory".to_owned())].into(),
        yaml: false,
    }
}

fn drafted(spec: &Api) -> (Box<Draft>, String) {
    let outcome = run(spec)
        .page(Path::new("gadgets.md"), GADGETS, &[])
        .expect("drafted");
    match outcome {
        Outcome::Drafted { draft, yaml } => (draft, yaml),
        Outcome::Compared { report, .. } => panic!("compared: {report}"),
    }
}

#[test]
fn a_draft_loads_once_its_docs_are_written() {
    let (_, yaml) = drafted(&load(&[]));
    assert!(yaml.contains("sources: [\"skills:gadgets.md\"]"));
    assert!(yaml.contains("docs: TODO"), "prose is left to a person");
    // Enumerations with new values are listed for spec/enums.yaml, with their values.
    assert!(yaml.contains("#   - name: eGadgetSize"));
    assert!(yaml.contains("#       - {value: 2, name: Large}"));
    let written = yaml.replace("docs: TODO", "docs: Written by a person.");
    let enums = "enums:\n  - name: eGadgetSize\n    docs: How big.\n    values:\n      - {value: 1, name: Small}\n      - {value: 2, name: Large}\n";
    let spec = load(&[
        ("inventory/gadget.yaml", written),
        ("enums.yaml", enums.into()),
    ]);
    let gadget = spec.entities.iter().find(|e| e.name == "Gadget").unwrap();
    let field = |wire: &str| gadget.fields.iter().find(|f| f.wire == wire).unwrap();
    let owner = field("CoworkerId");
    assert!(matches!(&owner.ty, Type::Id(id) if id.entity == "Coworker"));
    assert!(owner.required && owner.create && !owner.update);
    let size = field("Size");
    assert!(matches!(&size.ty, Type::Enum(e) if e.name == "eGadgetSize"));
    assert!(
        size.create && !size.update,
        "its description says create-only"
    );
    assert_eq!(field("Label").pii.map(|p| p.as_str()), Some("NAME"));
    assert!(!field("TagIds").in_list, "only a get answers it");
    assert!(!field("AddedTagIds").read, "only bodies carry it");
    assert!(field("SecretCode").create && !field("SecretCode").update);
    let parts = field("Parts");
    let Type::Children(child) = &parts.ty else {
        panic!("Parts is a child array")
    };
    assert_eq!(
        (child.entity.as_str(), child.link.as_str()),
        ("Part", "GadgetId")
    );
    let owner_email = gadget
        .joined
        .iter()
        .find(|j| j.wire == "OwnerEmail")
        .unwrap();
    assert_eq!(owner_email.pii.map(|p| p.as_str()), Some("EMAIL"));
    let queries: Vec<&str> = gadget.filters.iter().map(|f| f.query.as_str()).collect();
    assert_eq!(
        queries,
        [
            "Id",
            "UniqueId",
            "Gadget_Coworker",
            "Gadget_Label",
            "Gadget_MadeOn",
            "Gadget_Size",
            "Gadget_TagIds"
        ]
    );
    let ranges: Vec<&str> = gadget
        .range_filters
        .iter()
        .map(|r| r.from.as_str())
        .collect();
    assert_eq!(ranges, ["from_Gadget_MadeOn", "from_Gadget_CreatedOn"]);
    let kinds: Vec<&str> = gadget.endpoints.iter().map(|e| e.kind().key()).collect();
    assert_eq!(
        kinds,
        [
            "list",
            "find_by_ids",
            "get",
            "create",
            "update",
            "commands",
            "run_command"
        ]
    );
    assert_eq!(gadget.endpoints[0].path, "/api/inventory/gadgets");
    assert_eq!(gadget.endpoints[4].role, "Gadget-Edit");
}

#[test]
fn a_draft_needs_the_entitys_area() {
    let spec = load(&[]);
    let no_area = Run {
        spec: &spec,
        areas: Default::default(),
        yaml: false,
    };
    let Err(e) = no_area.page(Path::new("gadgets.md"), GADGETS, &[]) else {
        panic!("drafted without an area");
    };
    assert!(e.contains("pass --area AREA"), "{e}");
}

/// The gadget as a spec might have it before the page: a field under an alias, a field
/// typed otherwise, a write rule and a required flag that differ, an enumeration lacking a
/// value, no PII, no child array, no range on `MadeOn` and a delete the page rules out.
const OLD_GADGET: &str = "\
entity: Gadget
docs: A gadget.
sources: [\"000\"]
fields:
  - {wire: CoworkerId, type: id<Coworker>, docs: Its owner.}
  - {wire: Title, type: string, flag: label, required: true, docs: Its label.}
  - {wire: MadeOn, type: string, write: [], docs: When it was made.}
  - {wire: Size, type: enum<eGadgetSize>, write: [create], docs: Its size.}
  - {wire: Colour, type: string, docs: Its colour (2020 only).}
  - {wire: Shade, type: string, docs: Its shade., decision: The catalogue does not name it; kept from 2020.}
filters:
  - {query: Gadget_Coworker, field: CoworkerId, docs: By owner.}
  - {query: Gadget_Title, field: Title, docs: By label.}
  - {query: Gadget_MadeOn, field: MadeOn, docs: By date.}
  - {query: Gadget_Size, field: Size, docs: By size.}
range_filters:
  - {from: from_Gadget_CreatedOn, to: to_Gadget_CreatedOn, field: CreatedOn, docs: Created.}
endpoints:
  list: {path: /api/inventory/gadgets, role: Gadget-List, docs: Lists.}
  get: {path: \"/api/inventory/gadgets/{Id}\", role: Gadget-Read, docs: Gets one.}
  create: {path: /api/inventory/gadgets, role: Gadget-Create, docs: Creates.}
  update: {path: /api/inventory/gadgets, role: Gadget-Edit, docs: Updates.}
  delete: {path: \"/api/inventory/gadgets/{Id}\", role: Gadget-Delete, docs: Deletes.}
  run_command: {path: /api/inventory/gadgets/runcommand, role: Gadget-Edit, docs: Runs.}
";

#[test]
fn an_entity_the_spec_has_is_compared_not_drafted() {
    let spec = load(&[("inventory/gadget.yaml", OLD_GADGET.into())]);
    let gadget = spec.entities.iter().find(|e| e.name == "Gadget").unwrap();
    let found = diff(&page(), gadget);
    let has = |d: &Difference| found.contains(d);
    let missing = |wire: &str| {
        found
            .iter()
            .any(|d| matches!(d, Difference::MissingField { wire: w, .. } if w == wire))
    };
    // Found by its `flag:`, so neither missing nor its filter.
    assert!(!missing("Label") && !missing("Title"));
    assert!(missing("SecretCode") && missing("TagIds") && missing("AddedTagIds"));
    assert!(missing("OwnerEmail"), "a PII display field");
    assert!(has(&Difference::Type {
        wire: "MadeOn".into(),
        catalogue: "DateTime".into(),
        spec: "string".into(),
    }));
    assert!(
        !found
            .iter()
            .any(|d| matches!(d, Difference::Write { wire, .. } if wire == "MadeOn")),
        "a filter-only field is read-only on both sides"
    );
    assert!(has(&Difference::Required {
        wire: "CoworkerId".into(),
        catalogue: true,
    }));
    assert!(has(&Difference::Write {
        wire: "CoworkerId".into(),
        catalogue: "on create only".into(),
        spec: "on create and update".into(),
    }));
    assert!(has(&Difference::EnumValues {
        wire: "Size".into(),
        enumeration: "eGadgetSize".into(),
        missing: vec![(2, "Large".into())],
    }));
    assert!(has(&Difference::Pii {
        wire: "Title".into(),
        catalogue: "NAME".into(),
        spec: None,
    }));
    assert!(has(&Difference::MissingRange {
        wire: "MadeOn".into()
    }));
    assert!(has(&Difference::MissingChild {
        wire: "Parts".into(),
        properties: vec!["Name".into(), "Weight".into()],
    }));
    assert!(has(&Difference::Endpoint {
        kind: "delete",
        catalogue: false,
    }));
    assert!(
        !found
            .iter()
            .any(|d| matches!(d, Difference::MissingFilter { wire } if wire == "Title" || wire == "CoworkerId")),
        "{found:?}"
    );
    assert!(has(&Difference::OnlyInSpec {
        wire: "Colour".into()
    }));
    assert!(
        !has(&Difference::OnlyInSpec {
            wire: "Shade".into()
        }),
        "its decision says why it is kept"
    );
    // The page's commands sentence says nothing of entities without it: no difference.
    assert!(!found.iter().any(|d| matches!(
        d,
        Difference::Endpoint {
            kind: "run_command",
            ..
        }
    )));

    let outcome = Run {
        spec: &spec,
        areas: Default::default(),
        yaml: true,
    }
    .page(Path::new("gadgets.md"), GADGETS, &[])
    .expect("compared");
    let Outcome::Compared { report, .. } = outcome else {
        panic!("drafted an entity the spec has");
    };
    assert!(report.starts_with("Gadget (spec/inventory/gadget.yaml; catalogue gadgets.md): "));
    assert!(report.contains("  - missing field `SecretCode` (string; create)"));
    // The YAML of what is missing, and nothing the spec has.
    assert!(report.contains("      - wire: SecretCode"));
    assert!(report.contains("      - from: from_Gadget_MadeOn"));
    assert!(report.contains("      - wire: Parts"));
    assert!(!report.contains("      - wire: Size"));
}

#[test]
fn areas_are_read_from_a_file() {
    let dir = std::env::temp_dir().join(format!("xtask-areas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("areas.txt");
    std::fs::write(&file, "# entity area\nGadget inventory\n\nPart inventory\n").unwrap();
    let areas = read_areas(&file).unwrap();
    assert_eq!(areas.get("Gadget").map(String::as_str), Some("inventory"));
    std::fs::write(&file, "Gadget\n").unwrap();
    assert!(
        read_areas(&file)
            .unwrap_err()
            .contains(":1: expected `Entity area`")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The catalogue types every GUID `string`: a spec GUID fits when its name is one the API
/// gives GUIDs, or its decision speaks of the catalogue; any other is a difference.
#[test]
fn text_read_as_a_guid_needs_a_guid_name_or_a_decision() {
    let spec = load(&[(
        "inventory/gadget.yaml",
        "\
entity: Gadget
docs: A gadget.
sources: [\"000\"]
fields:
  - {wire: BatchGuid, type: guid, docs: A.}
  - {wire: SeriesUniqueId, type: guid, docs: B.}
  - {wire: PrinterUserId, type: guid, docs: C.}
  - {wire: ScannerUserId, type: guid, docs: D., decision: The catalogue says string; it is a GUID.}
  - {wire: CopierUserId, type: guid, docs: F., decision: The catalogue marks it required; not here.}
  - {wire: Label, type: string, docs: E.}
endpoints:
  list: {path: /api/inventory/gadgets, role: Gadget-List, docs: Lists.}
"
        .into(),
    )]);
    let gadget = &spec.entities[0];
    let fits = |wire: &str| {
        let field = gadget.fields.iter().find(|f| f.wire == wire).unwrap();
        type_fits("string", field)
    };
    assert!(fits("BatchGuid") && fits("SeriesUniqueId") && fits("ScannerUserId"));
    assert!(fits("Label"));
    assert!(!fits("PrinterUserId"));
    assert!(
        !fits("CopierUserId"),
        "its decision is about something else"
    );
}
