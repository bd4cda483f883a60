//! cargo-semver-checks' report, read item by item, and each item held against the
//! changelog's breaking changes: covered when a breaking change names what the item names.

use std::collections::BTreeMap;

use crate::changelog::diff::Change;

/// One item of a failed check (`variant WidgetSort::Price, previously in file ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check's name (`enum_variant_missing`).
    pub lint: String,
    pub item: String,
}

/// What became of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A breaking change of the changelog names it.
    Covered,
    /// Not part of the API by the generated crate's own docs: a sort enum's discriminants.
    Accepted,
    /// The changelog calls nothing that names it breaking.
    Missed,
}

/// Every item of every failed check, from the `--- failure <lint>: ... ---` blocks and the
/// lines indented by two spaces under their `Failed in:`.
pub fn parse(report: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut lint: Option<String> = None;
    let mut listing = false;
    for line in report.lines() {
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = rest.split(':').next().map(str::to_owned);
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = lint.is_some();
        } else if listing
            && let Some(item) = line.strip_prefix("  ")
            && item.starts_with(|c: char| !c.is_whitespace())
        {
            // Items are indented by two spaces; cargo's status lines (`     Summary`) by more.
            if let Some(lint) = &lint {
                findings.push(Finding {
                    lint: lint.clone(),
                    item: item.trim_end().to_owned(),
                });
            }
        } else {
            listing = false;
        }
    }
    findings
}

/// The changelog's breaking changes, indexed for `judge`. `modules` maps a module's path
/// in the crate (`billing::invoices`) to the entities it holds, before and after.
pub struct Breaking<'a> {
    changes: Vec<&'a Change>,
    modules: BTreeMap<String, Vec<String>>,
}

impl<'a> Breaking<'a> {
    pub fn new(changes: &'a [Change], modules: BTreeMap<String, Vec<String>>) -> Breaking<'a> {
        Breaking {
            changes: changes.iter().filter(|c| c.is_breaking()).collect(),
            modules,
        }
    }

    fn mentions(change: &Change, text: &str) -> bool {
        change.breaks.iter().any(|b| b.contains(text))
    }

    /// Whether a breaking change names `name` (`Widget::discount`), or one of the entities of
    /// `module` has a breaking change naming its last segment (`CREATE`), or the module is gone.
    fn covers(&self, names: &[String], module: Option<&str>) -> bool {
        let named = names.iter().any(|name| {
            suffixes(name).iter().any(|suffix| {
                let quoted = format!("`{suffix}`");
                self.changes.iter().any(|c| Self::mentions(c, &quoted))
            })
        });
        let Some(module) = module else {
            return named;
        };
        let gone = format!("`nexudus::{module}`");
        let owners = self
            .modules
            .get(module)
            .map(Vec::as_slice)
            .unwrap_or_default();
        named
            || self.changes.iter().any(|c| Self::mentions(c, &gone))
            || names.iter().any(|name| {
                let last = name.rsplit("::").next().unwrap_or(name);
                let (alone, nested) = (format!("`{last}`"), format!("::{last}`"));
                self.changes.iter().any(|c| {
                    owners.contains(&c.owner)
                        && (Self::mentions(c, &alone) || Self::mentions(c, &nested))
                })
            })
    }

    pub fn judge(&self, finding: &Finding) -> Verdict {
        let (names, module) = names(&finding.item);
        if finding.lint == "enum_no_repr_variant_discriminant_changed"
            && names
                .iter()
                .any(|n| n.split("::").next().is_some_and(|e| e.ends_with("Sort")))
        {
            return Verdict::Accepted;
        }
        if self.covers(&names, module.as_deref()) {
            Verdict::Covered
        } else {
            Verdict::Missed
        }
    }
}

/// What a breaking change may call `name` crate-wide: `a::b::C::d`, `b::C::d`, `C::d`; not
/// `d` alone (a field or method of any type), nor a constant (`CREATE`: every entity has
/// one), which only its module's entities can name.
fn suffixes(name: &str) -> Vec<String> {
    let segments: Vec<&str> = name.split("::").collect();
    let constant = segments.len() == 1
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if constant {
        return Vec::new();
    }
    (0..segments.len())
        .filter(|&i| {
            segments.len() == 1
                || i + 1 < segments.len()
                || segments[i].starts_with(|c: char| c.is_uppercase())
        })
        .map(|i| segments[i..].join("::"))
        .collect()
}

/// The Rust names an item line gives, and the module of the file it names
/// (`src/billing/invoices.rs` is `billing::invoices`).
fn names(item: &str) -> (Vec<String>, Option<String>) {
    let (what, place) = match item.find(" in file ").or_else(|| item.find(" in /")) {
        Some(at) => (&item[..at], &item[at..]),
        None => (item, ""),
    };
    let what = what.split(", previously").next().unwrap_or(what);
    let module = place
        .rsplit_once("/src/")
        .and_then(|(_, file)| file.split_once(".rs"))
        .map(|(path, _)| path.replace('/', "::"))
        .filter(|m| !m.is_empty() && m != "lib");
    let words: Vec<&str> = what
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let names = match words.as_slice() {
        ["field", field, "of", "struct", ty, ..] => vec![format!("{ty}::{field}")],
        ["feature", feature, ..] => vec![(*feature).to_owned()],
        _ => words
            .iter()
            .filter(|w| {
                w.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '.'))
                    && (w.contains("::") || w.chars().any(|c| c.is_uppercase()))
            })
            .map(|w| w.replace('.', "::"))
            .collect(),
    };
    (names, module)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changelog::diff::{Kind, Section};

    /// Lines of the report of a real run (the spec at 3e72326 against today's).
    const REPORT: &str = "\
--- failure enum_no_repr_variant_discriminant_changed: enum variant had its discriminant change value ---

Description:
The enum's variant had its discriminant value change.
        ref: https://doc.rust-lang.org/reference/items/enumerations.html#assigning-discriminant-values

Failed in:
  variant ApplicationSort::Name 1 -> 2 in /w/target/semver/current/src/apps/applications.rs:999

--- failure enum_variant_missing: pub enum variant removed or renamed ---

Failed in:
  variant BlogPostFilter::ClearImageFile, previously in file /w/target/semver/baseline/src/content/blog_posts.rs:1366
  variant WidgetSize::Custom, previously in file /w/target/semver/baseline/src/enums.rs:10

--- failure inherent_method_missing: pub method removed or renamed ---

Failed in:
  UserMessages::modify, previously in file /w/target/semver/baseline/src/sys/user_messages.rs:1051

--- failure method_parameter_count_changed: pub method parameter count changed ---

Failed in:
  nexudus::sys::users::NewUser::new takes 5 parameters in /w/target/semver/baseline/src/sys/users.rs:1796, but now takes 6 parameters in /w/target/semver/current/src/sys/users.rs:1890

--- failure pub_module_level_const_missing: pub module-level const is missing ---

Failed in:
  CREATE in file /w/target/semver/baseline/src/billing/invoices.rs:44

--- failure struct_missing: pub struct removed or renamed ---

Failed in:
  struct nexudus::billing::invoices::NewInvoice, previously in file /w/target/semver/baseline/src/billing/invoices.rs:965
  struct nexudus::catalog::sprockets::Sprocket, previously in file /w/target/semver/baseline/src/catalog/sprockets.rs:5

--- failure struct_pub_field_missing: pub struct's pub field removed or renamed ---

Failed in:
  field do_not_issue_invoice of struct ProposalUpdate, previously in file /w/target/semver/baseline/src/billing/proposals.rs:1987

--- failure struct_pub_field_now_doc_hidden: pub struct field is now #[doc(hidden)] ---

Failed in:
  field BookingUpdate.repeat_series_unique_id in file /w/target/semver/current/src/spaces/bookings.rs:2974

--- failure feature_missing: package feature removed or renamed ---

Failed in:
  feature sprockets in the package's Cargo.toml
     Summary semver requires new major version: 9 major and 0 minor checks failed
";

    fn breaking(owner: &str, reason: &str) -> Change {
        Change {
            section: Section::Fields,
            owner: owner.to_owned(),
            subject: String::new(),
            kind: Kind::Changed,
            what: String::new(),
            breaks: vec![reason.to_owned()],
        }
    }

    #[test]
    fn reads_every_item_of_every_failed_check() {
        let findings = parse(REPORT);
        assert_eq!(findings.len(), 11, "{findings:#?}");
        assert_eq!(
            findings[0],
            Finding {
                lint: "enum_no_repr_variant_discriminant_changed".into(),
                item: "variant ApplicationSort::Name 1 -> 2 in /w/target/semver/current/src/apps/applications.rs:999".into(),
            }
        );
        assert_eq!(findings[10].lint, "feature_missing");
        assert_eq!(
            names(&findings[4].item),
            (
                vec!["nexudus::sys::users::NewUser::new".to_owned()],
                Some("sys::users".to_owned())
            )
        );
        assert_eq!(
            names(&findings[8].item).0,
            ["ProposalUpdate::do_not_issue_invoice"]
        );
        assert_eq!(
            names(&findings[9].item).0,
            ["BookingUpdate::repeat_series_unique_id"]
        );
        assert_eq!(names(&findings[2].item).1.as_deref(), Some("enums"));
    }

    #[test]
    fn each_finding_is_covered_by_a_breaking_change_that_names_it_or_missed() {
        let changes = vec![
            breaking("BlogPost", "`BlogPostFilter::ClearImageFile` is gone"),
            breaking(
                "eWidgetSize",
                "`WidgetSize::Custom` is gone; 10 reads as `Unknown`",
            ),
            breaking(
                "UserMessage",
                "the constant `UPDATE` and the methods `UserMessages::update`, `UserMessages::modify` are gone",
            ),
            breaking("User", "`NewUser::new` takes a new argument `language`"),
            breaking(
                "Invoice",
                "the constant `CREATE` and the method `Invoices::create` are gone",
            ),
            breaking("Invoice", "`NewInvoice` is gone"),
            breaking(
                "Sprocket",
                "the module `nexudus::catalog::sprockets` and the feature `sprockets` are gone",
            ),
            breaking("Proposal", "`ProposalUpdate::do_not_issue_invoice` is gone"),
        ];
        let modules = BTreeMap::from([
            ("billing::invoices".to_owned(), vec!["Invoice".to_owned()]),
            ("catalog::sprockets".to_owned(), vec!["Sprocket".to_owned()]),
        ]);
        let breaking = Breaking::new(&changes, modules);
        let verdicts: Vec<(String, Verdict)> = parse(REPORT)
            .iter()
            .map(|f| {
                (
                    f.item
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" "),
                    breaking.judge(f),
                )
            })
            .collect();
        let expected = [
            ("variant ApplicationSort::Name", Verdict::Accepted),
            ("variant BlogPostFilter::ClearImageFile,", Verdict::Covered),
            ("variant WidgetSize::Custom,", Verdict::Covered),
            ("UserMessages::modify, previously", Verdict::Covered),
            ("nexudus::sys::users::NewUser::new takes", Verdict::Covered),
            // By the module of its file: the `Invoice` entity's change names `CREATE`.
            ("CREATE in", Verdict::Covered),
            (
                "struct nexudus::billing::invoices::NewInvoice,",
                Verdict::Covered,
            ),
            // Its module is gone.
            (
                "struct nexudus::catalog::sprockets::Sprocket,",
                Verdict::Covered,
            ),
            ("field do_not_issue_invoice", Verdict::Covered),
            // No breaking change names it: the changelog missed it.
            (
                "field BookingUpdate.repeat_series_unique_id",
                Verdict::Missed,
            ),
            ("feature sprockets", Verdict::Covered),
        ];
        let expected: Vec<(String, Verdict)> = expected
            .iter()
            .map(|(i, v)| ((*i).to_owned(), *v))
            .collect();
        assert_eq!(verdicts, expected);
    }
}
