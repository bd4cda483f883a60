//! Writing a draft as YAML in the spec format.
//!
//! By hand, because a draft's value is in its comments (`# guess:`), which no YAML
//! serializer writes; the tests parse every draft back with a YAML parser.

use std::fmt::Write as _;
use std::sync::LazyLock;

use heck::ToSnakeCase;
use regex::Regex;

use super::entity::{Draft, Notes};

/// A scalar as YAML: plain where that is unambiguous, else JSON-quoted (a JSON string is a
/// YAML double-quoted scalar).
pub(super) fn scalar(s: &str) -> String {
    static PLAIN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Za-z_/][A-Za-z0-9_<>./-]*$").expect("a valid pattern"));
    const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    if PLAIN.is_match(s) && !RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serializes")
    }
}

/// The trailing comment for `key`'s line, or nothing.
fn comment(notes: &Notes, key: &str) -> String {
    let texts: Vec<&str> = notes
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, t)| t.as_str())
        .collect();
    if texts.is_empty() {
        String::new()
    } else {
        format!("  # guess: {}", texts.join("; ").replace('\n', " "))
    }
}

fn flow(items: &[impl AsRef<str>]) -> String {
    let items: Vec<String> = items.iter().map(|s| scalar(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

impl Draft {
    /// The entity's file name in the spec: `tariff_booking_credit.yaml`.
    pub fn file_name(&self) -> String {
        format!("{}.yaml", self.entity.to_snake_case())
    }

    /// The draft as an entity file; the same draft gives the same bytes.
    pub fn to_yaml(&self) -> String {
        let mut y = String::new();
        self.write_header(&mut y);
        self.write_fields(&mut y);
        self.write_queries(&mut y);
        self.write_endpoints(&mut y);
        self.write_children(&mut y);
        if !self.enum_values.is_empty() {
            self.write_enum_values(&mut y);
        } else if !self.enums.is_empty() {
            y.push_str(
                "\n# Enumerations this page uses (by their API name); add each one missing from\n",
            );
            y.push_str(
                "# spec/enums.yaml, with values from the newer pages (the 2020 page gives none):\n",
            );
            for (name, users) in &self.enums {
                let _ = writeln!(y, "#   {name}: {}", users.join(", "));
            }
        }
        y
    }

    /// Only the fields, list record, filters, range filters and children, with the
    /// enumerations' comment block: what to paste into an existing entity file.
    pub(super) fn parts_yaml(&self) -> String {
        let mut y = String::new();
        self.write_fields(&mut y);
        if !self.filters.is_empty() {
            y.push_str("\nfilters:\n");
        }
        self.write_filters(&mut y);
        if !self.ranges.is_empty() {
            y.push_str("\nrange_filters:\n");
        }
        self.write_ranges(&mut y);
        self.write_children(&mut y);
        self.write_enum_values(&mut y);
        y
    }

    fn write_header(&self, y: &mut String) {
        let _ = writeln!(
            y,
            "# {}: a DRAFT by `cargo xtask draft` from {},\n# for spec/{}/{}.",
            self.entity,
            self.source,
            self.area,
            self.file_name()
        );
        y.push_str("# Review every line against the page: write each `docs:` (TODO is rejected by the loader),\n");
        y.push_str("# settle each guess comment, and name the pages it came from in `sources:`.\n");
        for n in &self.header_notes {
            let _ = writeln!(y, "# Note: {n}");
        }
        for (kind, detail) in &self.unrecognised {
            let _ = writeln!(y, "# Not recognised: {kind}: {}", detail.replace('\n', " "));
        }
        let _ = writeln!(y, "entity: {}", scalar(&self.entity));
        y.push_str("docs: TODO\n");
        let _ = writeln!(
            y,
            "sources: [{}]",
            serde_json::to_string(&self.source).expect("a string")
        );
    }

    fn write_fields(&self, y: &mut String) {
        if !self.fields.is_empty() {
            y.push_str("\nfields:\n");
        }
        for f in &self.fields {
            let _ = writeln!(
                y,
                "  - wire: {}{}",
                scalar(&f.wire),
                comment(&f.notes, "wire")
            );
            let _ = writeln!(
                y,
                "    type: {}{}",
                scalar(&f.ty),
                comment(&f.notes, "type")
            );
            if f.required {
                y.push_str("    required: true\n");
            }
            if f.nullable {
                y.push_str("    nullable: true\n");
            }
            if !f.read {
                y.push_str("    read: false\n");
            }
            if !f.in_list {
                y.push_str("    in_list: false\n");
            }
            if let Some(pii) = &f.pii {
                let _ = writeln!(y, "    pii: {}", scalar(pii));
            }
            if let Some(write) = &f.write {
                let _ = writeln!(
                    y,
                    "    write: {}{}",
                    flow(write),
                    comment(&f.notes, "write")
                );
            }
            y.push_str("    docs: TODO\n");
        }
        if !self.joined.is_empty() {
            y.push_str("\nlist:\n  docs: TODO\n  joined:\n");
            for j in &self.joined {
                let _ = writeln!(
                    y,
                    "    - wire: {}{}",
                    scalar(&j.wire),
                    comment(&j.notes, "wire")
                );
                let _ = writeln!(
                    y,
                    "      type: {}{}",
                    scalar(&j.ty),
                    comment(&j.notes, "type")
                );
                if let Some(pii) = &j.pii {
                    let _ = writeln!(y, "      pii: {}", scalar(pii));
                }
                y.push_str("      docs: TODO\n");
            }
        }
    }

    fn write_filters(&self, y: &mut String) {
        for f in &self.filters {
            let _ = writeln!(y, "  - query: {}", scalar(&f.query));
            let _ = writeln!(y, "    field: {}", scalar(&f.field));
            y.push_str("    docs: TODO\n");
        }
    }

    fn write_ranges(&self, y: &mut String) {
        for r in &self.ranges {
            let _ = writeln!(y, "  - from: {}", scalar(&r.from));
            let _ = writeln!(y, "    to: {}", scalar(&r.to));
            let _ = writeln!(y, "    field: {}", scalar(&r.field));
            y.push_str("    docs: TODO\n");
        }
    }

    fn write_enum_values(&self, y: &mut String) {
        if self.enum_values.is_empty() {
            return;
        }
        y.push_str(
            "\n# Enumerations this page gives values for: check each against spec/enums.yaml and add\n",
        );
        y.push_str("# the missing ones and values there (the names are guesses where marked):\n");
        for e in &self.enum_values {
            let _ = writeln!(
                y,
                "#   - name: {}   # used by {}",
                e.name,
                e.users.join(", ")
            );
            y.push_str("#     docs: TODO\n#     values:\n");
            for (value, name) in &e.values {
                let _ = writeln!(y, "#       - {{value: {value}, name: {}}}", scalar(name));
            }
        }
    }

    fn write_queries(&self, y: &mut String) {
        if !self.filters.is_empty() {
            y.push_str("\nfilters:\n");
        }
        self.write_filters(y);
        if !self.ranges.is_empty() {
            y.push_str("\nrange_filters:\n");
        }
        self.write_ranges(y);
        y.push_str("\n# guess: the page names no sortable set: the list record's scalar fields, Id, CreatedOn, UpdatedOn.\n");
        let _ = writeln!(y, "sort: {}", flow(&self.sort));
    }

    fn write_children(&self, y: &mut String) {
        if self.children.is_empty() {
            return;
        }
        y.push_str("\nchildren:\n");
        for c in &self.children {
            let _ = writeln!(y, "  - wire: {}", scalar(&c.wire));
            let _ = writeln!(
                y,
                "    entity: {}{}",
                scalar(&c.entity),
                comment(&c.notes, "entity")
            );
            let _ = writeln!(y, "    properties: {}", flow(&c.properties));
            if let Some(write) = &c.write {
                let _ = writeln!(y, "    write: {}", flow(write));
            }
            y.push_str("    docs: TODO\n");
        }
    }

    fn write_endpoints(&self, y: &mut String) {
        if !self.endpoints.is_empty() {
            y.push_str("\nendpoints:\n");
        }
        let mut downloads_open = false;
        for e in &self.endpoints {
            let indent = if e.kind == "downloads" {
                if !downloads_open {
                    y.push_str("  downloads:\n");
                    downloads_open = true;
                }
                let _ = writeln!(y, "    - name: {}", scalar(e.name.as_deref().unwrap_or("")));
                "      "
            } else {
                let _ = writeln!(y, "  {}:", e.kind);
                "    "
            };
            let _ = writeln!(
                y,
                "{indent}path: {}{}",
                scalar(&e.path),
                comment(&e.notes, "path")
            );
            let _ = writeln!(
                y,
                "{indent}role: {}{}",
                scalar(&e.role),
                comment(&e.notes, "role")
            );
            if let Some(q) = &e.query {
                let _ = writeln!(y, "{indent}query: {}", scalar(q));
            }
            let _ = writeln!(y, "{indent}docs: TODO");
            if let Some(d) = &e.decision {
                let _ = writeln!(y, "{indent}decision: {}", scalar(d));
            }
        }
    }
}
