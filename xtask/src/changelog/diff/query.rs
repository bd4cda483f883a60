//! The list query of a kept entity: filters and range filters (variants of the filter enum;
//! their query names are the wire) and sort fields (variants of the sort enum). Both enums
//! are `#[non_exhaustive]`, so a new variant breaks nobody; a variant gone, renamed or
//! taking another type does.

use codegen::emit::rust_types;
use codegen::model::{EndpointKind, Entity, Filter, RangeFilter, SortField, Type};

use super::pairs::pair;
use super::{Changes, Kind, Section, was_is};
use crate::changelog::surface::text;

pub fn compare(old: &Entity, new: &Entity, changes: &mut Changes) {
    // The enums exist with the list endpoint; one that comes or goes is the endpoint's change.
    let both = old.has(EndpointKind::List) && new.has(EndpointKind::List);
    let query = Query { old, new, both };
    query.filters(changes);
    query.ranges(changes);
    query.sort(changes);
}

struct Query<'a> {
    old: &'a Entity,
    new: &'a Entity,
    /// Both crates have the filter and sort enums.
    both: bool,
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// The Rust type a filter variant takes.
fn value(ty: &Type) -> String {
    text(&rust_types::value_type(ty))
}

impl Query<'_> {
    fn owner(&self) -> &str {
        &self.new.name
    }

    /// `reason` when both crates have the enum, else nothing: then the endpoint's change says
    /// what breaks.
    fn breaks(&self, reasons: Vec<String>) -> Vec<String> {
        if self.both { reasons } else { Vec::new() }
    }

    fn filter_variant(&self, entity: &Entity, variant: &str) -> String {
        format!("{}::{variant}", entity.names.filter)
    }

    fn filters(&self, changes: &mut Changes) {
        let (old, new) = (self.old, self.new);
        let pairs = pair(
            &old.filters,
            &new.filters,
            &[|f: &Filter| f.query.clone(), |f| f.variant.to_string()],
        );
        for f in pairs.removed {
            let breaks = self.breaks(vec![format!(
                "`{}` is gone",
                self.filter_variant(old, f.variant.as_str())
            )]);
            let what = format!(
                "removed (`{}`)",
                self.filter_variant(old, f.variant.as_str())
            );
            changes.push(
                Section::Filters,
                self.owner(),
                &f.query,
                Kind::Removed,
                what,
                breaks,
            );
        }
        for f in pairs.added {
            let what = format!(
                "added: `{}({})` on `{}`",
                self.filter_variant(new, f.variant.as_str()),
                value(&f.ty),
                f.field
            );
            changes.push(
                Section::Filters,
                self.owner(),
                &f.query,
                Kind::Added,
                what,
                Vec::new(),
            );
        }
        for (before, after) in pairs.both {
            let mut what = Vec::new();
            let mut breaks = Vec::new();
            let (v1, v2) = (
                self.filter_variant(old, before.variant.as_str()),
                self.filter_variant(new, after.variant.as_str()),
            );
            if before.query != after.query {
                what.push(was_is("query", code(&before.query), code(&after.query)));
            }
            if before.field != after.field {
                what.push(was_is("field", code(&before.field), code(&after.field)));
            }
            if v1 != v2 {
                what.push(was_is("variant", code(&v1), code(&v2)));
                breaks.push(format!("`{v1}` is now `{v2}`"));
            }
            let (t1, t2) = (value(&before.ty), value(&after.ty));
            if t1 != t2 {
                what.push(was_is("value", code(&t1), code(&t2)));
                breaks.push(format!("`{v2}` takes `{t2}`, took `{t1}`"));
            }
            if !what.is_empty() {
                changes.push(
                    Section::Filters,
                    self.owner(),
                    &after.query,
                    Kind::Changed,
                    what.join("; "),
                    self.breaks(breaks),
                );
            }
        }
    }

    fn ranges(&self, changes: &mut Changes) {
        let (old, new) = (self.old, self.new);
        let pairs = pair(
            &old.range_filters,
            &new.range_filters,
            &[
                |r: &RangeFilter| format!("{} {}", r.from, r.to),
                |r| r.field.clone(),
                |r| r.from_variant.to_string(),
            ],
        );
        let variants = |entity: &Entity, r: &RangeFilter| {
            [
                self.filter_variant(entity, r.from_variant.as_str()),
                self.filter_variant(entity, r.to_variant.as_str()),
            ]
        };
        let subject = |r: &RangeFilter| r.field.clone();
        for r in pairs.removed {
            let [from, to] = variants(old, r);
            let breaks = self.breaks(vec![format!("`{from}` and `{to}` are gone")]);
            changes.push(
                Section::RangeFilters,
                self.owner(),
                &subject(r),
                Kind::Removed,
                format!("removed (`{}`, `{}`)", r.from, r.to),
                breaks,
            );
        }
        for r in pairs.added {
            let [from, to] = variants(new, r);
            let what = format!(
                "added: `{}`, `{}` (`{from}`, `{to}`, of `{}`)",
                r.from,
                r.to,
                value(&r.ty)
            );
            changes.push(
                Section::RangeFilters,
                self.owner(),
                &subject(r),
                Kind::Added,
                what,
                Vec::new(),
            );
        }
        for (before, after) in pairs.both {
            let mut what = Vec::new();
            let mut breaks = Vec::new();
            for (q1, q2) in [(&before.from, &after.from), (&before.to, &after.to)] {
                if q1 != q2 {
                    what.push(was_is("query", code(q1), code(q2)));
                }
            }
            if before.field != after.field {
                what.push(was_is("field", code(&before.field), code(&after.field)));
            }
            let (old_variants, new_variants) = (variants(old, before), variants(new, after));
            for (v1, v2) in old_variants.iter().zip(&new_variants) {
                if v1 != v2 {
                    what.push(was_is("variant", code(v1), code(v2)));
                    breaks.push(format!("`{v1}` is now `{v2}`"));
                }
            }
            let (t1, t2) = (value(&before.ty), value(&after.ty));
            if t1 != t2 {
                what.push(was_is("value", code(&t1), code(&t2)));
                breaks.push(format!(
                    "`{}` and `{}` take `{t2}`, took `{t1}`",
                    new_variants[0], new_variants[1]
                ));
            }
            if !what.is_empty() {
                changes.push(
                    Section::RangeFilters,
                    self.owner(),
                    &subject(after),
                    Kind::Changed,
                    what.join("; "),
                    self.breaks(breaks),
                );
            }
        }
    }

    fn sort(&self, changes: &mut Changes) {
        let (old, new) = (self.old, self.new);
        let pairs = pair(
            &old.sort,
            &new.sort,
            &[|s: &SortField| s.wire.clone(), |s| s.variant.to_string()],
        );
        let variant =
            |entity: &Entity, s: &SortField| format!("{}::{}", entity.names.sort, s.variant);
        for s in pairs.removed {
            let breaks = self.breaks(vec![format!("`{}` is gone", variant(old, s))]);
            changes.push(
                Section::Sort,
                self.owner(),
                &s.wire,
                Kind::Removed,
                format!("removed (`{}`)", variant(old, s)),
                breaks,
            );
        }
        for s in pairs.added {
            changes.push(
                Section::Sort,
                self.owner(),
                &s.wire,
                Kind::Added,
                format!("added (`{}`)", variant(new, s)),
                Vec::new(),
            );
        }
        for (before, after) in pairs.both {
            let mut what = Vec::new();
            let mut breaks = Vec::new();
            if before.wire != after.wire {
                what.push(was_is("field", code(&before.wire), code(&after.wire)));
            }
            let (v1, v2) = (variant(old, before), variant(new, after));
            if v1 != v2 {
                what.push(was_is("variant", code(&v1), code(&v2)));
                breaks.push(format!("`{v1}` is now `{v2}`"));
            }
            if !what.is_empty() {
                changes.push(
                    Section::Sort,
                    self.owner(),
                    &after.wire,
                    Kind::Changed,
                    what.join("; "),
                    self.breaks(breaks),
                );
            }
        }
    }
}
