//! The API's enumerations (`nexudus::enums`, `#[non_exhaustive]`, each value a variant) and
//! the typed ids (`nexudus::ids`). Each is compiled with the features of the entities that
//! use it, or always when none does.

use std::collections::BTreeSet;

use codegen::emit::features::UsedBy;
use codegen::model::{Api, Enum, EnumValue};

use super::pairs::pair;
use super::{Changes, Kind, Section, was_is};
use crate::changelog::surface::text;

pub fn compare(old: &Api, new: &Api, changes: &mut Changes) {
    let (old_used, new_used) = (UsedBy::new(old), UsedBy::new(new));
    let gated = Gating {
        old: &old_used,
        new: &new_used,
    };
    let pairs = pair(&old.enums, &new.enums, &[|e| e.name.clone()]);
    for e in pairs.removed {
        changes.push(
            Section::Enums,
            &e.name,
            "",
            Kind::Removed,
            format!("removed (`enums::{}`)", e.rust),
            vec![format!("`enums::{}` is gone", e.rust)],
        );
    }
    for e in pairs.added {
        let values = e.values.len();
        changes.push(
            Section::Enums,
            &e.name,
            "",
            Kind::Added,
            format!(
                "added (`enums::{}`, {values} value{})",
                e.rust,
                if values == 1 { "" } else { "s" }
            ),
            Vec::new(),
        );
    }
    for (before, after) in pairs.both {
        if before.rust != after.rust {
            changes.push(
                Section::Enums,
                &after.name,
                "",
                Kind::Changed,
                was_is(
                    "Rust name",
                    format!("`{}`", before.rust),
                    format!("`{}`", after.rust),
                ),
                vec![format!(
                    "`enums::{}` is now `enums::{}`",
                    before.rust, after.rust
                )],
            );
        }
        gated.check(
            Section::Enums,
            &after.name,
            &format!("enums::{}", after.rust),
            (before.rust.as_str(), after.rust.as_str()),
            changes,
        );
        values(before, after, changes);
    }
    ids(old, new, &gated, changes);
}

fn values(old: &Enum, new: &Enum, changes: &mut Changes) {
    let owner = new.name.as_str();
    let pairs = pair(
        &old.values,
        &new.values,
        &[
            |v: &EnumValue| v.value.to_string(),
            |v| v.variant.to_string(),
        ],
    );
    let variant = |e: &Enum, v: &EnumValue| format!("{}::{}", e.rust, v.variant);
    for v in pairs.removed {
        changes.push(
            Section::Enums,
            owner,
            &v.name,
            Kind::Removed,
            format!("value {} removed", v.value),
            vec![format!(
                "`{}` is gone; {} reads as `Unknown`",
                variant(old, v),
                v.value
            )],
        );
    }
    for v in pairs.added {
        changes.push(
            Section::Enums,
            owner,
            &v.name,
            Kind::Added,
            // The enum is `#[non_exhaustive]`; the value read as `Unknown` before.
            format!(
                "value {} added (`{}`; read as `Unknown` before)",
                v.value,
                variant(new, v)
            ),
            Vec::new(),
        );
    }
    for (before, after) in pairs.both {
        let (v1, v2) = (variant(old, before), variant(new, after));
        let mut what = Vec::new();
        let mut breaks = Vec::new();
        if v1 != v2 {
            what.push(was_is("variant", format!("`{v1}`"), format!("`{v2}`")));
            breaks.push(format!("`{v1}` is now `{v2}`"));
        }
        if before.value != after.value {
            what.push(was_is("value", before.value, after.value));
            breaks.push(format!(
                "`{v2}` is {} on the wire, was {}",
                after.value, before.value
            ));
        }
        if !what.is_empty() {
            changes.push(
                Section::Enums,
                owner,
                &after.name,
                Kind::Changed,
                what.join("; "),
                breaks,
            );
        }
    }
}

fn ids(old: &Api, new: &Api, gated: &Gating, changes: &mut Changes) {
    let entities =
        |api: &Api| -> BTreeSet<String> { api.entities.iter().map(|e| e.name.clone()).collect() };
    let (old_entities, new_entities) = (entities(old), entities(new));
    let pairs = pair(&old.ids, &new.ids, &[|id| id.entity.clone()]);
    for id in pairs.removed {
        changes.push(
            Section::Ids,
            &id.entity,
            "",
            Kind::Removed,
            format!("removed (`ids::{}`)", id.rust),
            vec![format!("`ids::{}` is gone", id.rust)],
        );
    }
    // An added entity's id is its entity's change.
    for id in pairs
        .added
        .into_iter()
        .filter(|id| !new_entities.contains(&id.entity) || old_entities.contains(&id.entity))
    {
        changes.push(
            Section::Ids,
            &id.entity,
            "",
            Kind::Added,
            format!("added (`ids::{}`)", id.rust),
            Vec::new(),
        );
    }
    for (before, after) in pairs.both {
        gated.check(
            Section::Ids,
            &after.entity,
            &format!("ids::{}", after.rust),
            (before.rust.as_str(), after.rust.as_str()),
            changes,
        );
    }
}

/// Which features compile each enumeration and typed id, before and after.
struct Gating<'a> {
    old: &'a UsedBy,
    new: &'a UsedBy,
}

impl Gating<'_> {
    /// An item no entity used was always compiled; once an entity uses it, only that
    /// entity's features compile it, so a build without them loses it.
    fn check(
        &self,
        section: Section,
        owner: &str,
        path: &str,
        (old_rust, new_rust): (&str, &str),
        changes: &mut Changes,
    ) {
        let (before, after) = (self.old.cfg(old_rust), self.new.cfg(new_rust));
        if before.is_empty() && !after.is_empty() {
            changes.push(
                section,
                owner,
                "",
                Kind::Changed,
                format!(
                    "now compiled only with the features that use it: `{}`",
                    text(&after)
                ),
                vec![format!(
                    "`{path}` was always compiled; a build without those features loses it"
                )],
            );
        }
    }
}
