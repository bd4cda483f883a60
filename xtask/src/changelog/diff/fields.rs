//! Fields, joined fields and inline children of a kept entity: what the spec says changed,
//! and, from their [`Surface`]s, whether code that used them breaks.

use codegen::model::{Child, Entity, Field, Pii, Type};

use super::pairs::pair;
use super::{Changes, Kind, Section, was_is, write_rule};
use crate::changelog::surface::{Structs, Surface};

pub fn compare(old: &Entity, new: &Entity, changes: &mut Changes) {
    let owner = new.name.as_str();
    let list = FieldList {
        owner,
        structs: Structs::of(old).both(Structs::of(new)),
        old: &|f| Surface::of_field(old, f),
        new: &|f| Surface::of_field(new, f),
        section: &|f| match f.ty {
            Type::Children(_) => Section::Children,
            _ => Section::Fields,
        },
        subject: &|f| f.wire.clone(),
        added: &|f| format!("added ({})", describe(f)),
        removed: "removed",
    };
    for (before, after) in list.compare(&old.fields, &new.fields, changes) {
        if let (Type::Children(c1), Type::Children(c2)) = (&before.ty, &after.ty) {
            children(old, new, &after.wire, c1, c2, changes);
        }
    }
    constructor_order(
        &old.create_fields().collect::<Vec<_>>(),
        &new.create_fields().collect::<Vec<_>>(),
        list.structs.has_new(),
        new.names.new_body.as_str(),
        (Section::Fields, owner),
        changes,
    );
    let joined = FieldList {
        old: &|f| Surface::of_joined(old, f),
        new: &|f| Surface::of_joined(new, f),
        section: &|_| Section::Joined,
        added: &|f| format!("added (`{}`)", f.ty.spec_name()),
        ..list
    };
    joined.compare(&old.joined, &new.joined, changes);
}

/// How one list of fields (record fields, joined fields, an element's properties) is
/// compared: each field by its wire name, a change classed by the field's [`Surface`]s.
#[derive(Clone, Copy)]
struct FieldList<'a> {
    owner: &'a str,
    /// The structs both crates have.
    structs: Structs,
    old: &'a dyn Fn(&Field) -> Surface,
    new: &'a dyn Fn(&Field) -> Surface,
    section: &'a dyn Fn(&Field) -> Section,
    subject: &'a dyn Fn(&Field) -> String,
    /// What an added field is.
    added: &'a dyn Fn(&Field) -> String,
    removed: &'a str,
}

impl FieldList<'_> {
    /// Pushes the changes; answers the fields both lists have, old and new.
    fn compare<'f>(
        &self,
        old: &'f [Field],
        new: &'f [Field],
        changes: &mut Changes,
    ) -> Vec<(&'f Field, &'f Field)> {
        let pairs = pair(old, new, &[|f| f.wire.clone()]);
        for f in pairs.removed {
            let breaks = Surface::removal_breaks(&(self.old)(f), self.structs);
            let what = self.removed.to_owned();
            self.push(f, Kind::Removed, what, breaks, changes);
        }
        for f in pairs.added {
            let breaks = Surface::addition_breaks(&(self.new)(f), self.structs);
            self.push(f, Kind::Added, (self.added)(f), breaks, changes);
        }
        for &(before, after) in &pairs.both {
            let what = field_changes(before, after);
            if !what.is_empty() {
                let breaks = Surface::breaks(&(self.old)(before), &(self.new)(after), self.structs);
                self.push(after, Kind::Changed, what.join("; "), breaks, changes);
            }
        }
        pairs.both
    }

    fn push(
        &self,
        f: &Field,
        kind: Kind,
        what: String,
        breaks: Vec<String>,
        changes: &mut Changes,
    ) {
        let subject = (self.subject)(f);
        changes.push((self.section)(f), self.owner, &subject, kind, what, breaks);
    }
}

/// The element of an inline child array: its entity (the element type follows it, and the
/// field's type says so), its link, and its properties, each an argument of the element's
/// `new` (required) or a setter.
fn children(
    old_parent: &Entity,
    new_parent: &Entity,
    wire: &str,
    old: &Child,
    new: &Child,
    changes: &mut Changes,
) {
    let owner = new_parent.name.as_str();
    if old.link != new.link {
        changes.push(
            Section::Children,
            owner,
            wire,
            Kind::Changed,
            // The API sets the link; the element never carries it.
            was_is("link", format!("`{}`", old.link), format!("`{}`", new.link)),
            Vec::new(),
        );
    }
    // Another element entity is another element type: the field's type change says so.
    if old.rust != new.rust {
        return;
    }
    let structs = Structs::of_element(old_parent).both(Structs::of_element(new_parent));
    let properties = FieldList {
        owner,
        structs,
        old: &|f| Surface::of_property(old, f),
        new: &|f| Surface::of_property(new, f),
        section: &|_| Section::Children,
        subject: &|f| format!("{wire}.{}", f.wire),
        added: &|f| {
            format!(
                "property added (`{}`, {})",
                f.ty.spec_name(),
                if f.required { "required" } else { "optional" }
            )
        },
        removed: "property removed",
    };
    properties.compare(&old.properties, &new.properties, changes);
    constructor_order(
        &old.properties.iter().collect::<Vec<_>>(),
        &new.properties.iter().collect::<Vec<_>>(),
        structs.has_new(),
        new.rust.as_str(),
        (Section::Children, owner),
        changes,
    );
}

/// A breaking change when `new`'s required arguments that both versions have come in
/// another order: calls still compile when the types agree, and then pass the wrong values.
fn constructor_order(
    old: &[&Field],
    new: &[&Field],
    exists: bool,
    body: &str,
    (section, owner): (Section, &str),
    changes: &mut Changes,
) {
    if !exists {
        return;
    }
    let required = |fields: &[&Field], other: &[&Field]| -> Vec<String> {
        fields
            .iter()
            .filter(|f| f.required)
            .filter(|f| other.iter().any(|o| o.required && o.wire == f.wire))
            .map(|f| f.wire.clone())
            .collect()
    };
    let (before, after) = (required(old, new), required(new, old));
    if before != after {
        changes.push(
            section,
            owner,
            &format!("{body}::new"),
            Kind::Changed,
            format!(
                "arguments reordered: ({}) → ({})",
                before.join(", "),
                after.join(", ")
            ),
            vec![format!(
                "`{body}::new` takes its arguments in another order"
            )],
        );
    }
}

/// A new field as the spec declares it.
fn describe(f: &Field) -> String {
    let mut parts = vec![format!("`{}`", f.ty.spec_name())];
    if f.required {
        parts.push("required".into());
    }
    parts.push(format!("write `{}`", write_rule(f.create, f.update)));
    if f.read {
        if !f.nullable {
            parts.push("not nullable".into());
        }
        if !f.in_list {
            parts.push("not in list records".into());
        }
    } else {
        parts.push("only in bodies".into());
    }
    if let Some(pii) = f.pii {
        parts.push(format!("PII `{}`", pii.as_str()));
    }
    parts.join(", ")
}

/// What the spec changed in a field, in its own terms (docs and sources left out).
fn field_changes(old: &Field, new: &Field) -> Vec<String> {
    let mut what = Vec::new();
    let code = |s: &str| format!("`{s}`");
    if old.ident != new.ident {
        what.push(was_is(
            "Rust name",
            code(old.ident.as_str()),
            code(new.ident.as_str()),
        ));
    }
    let (t1, t2) = (old.ty.spec_name(), new.ty.spec_name());
    if t1 != t2 {
        what.push(was_is("type", code(&t1), code(&t2)));
    }
    if old.required != new.required {
        what.push(was_is("required", old.required, new.required));
    }
    let (w1, w2) = (
        write_rule(old.create, old.update),
        write_rule(new.create, new.update),
    );
    if w1 != w2 {
        what.push(was_is("write", code(&w1), code(&w2)));
    }
    if old.read != new.read {
        what.push(if new.read {
            "now in answers (was only in bodies)".to_owned()
        } else {
            "now only in bodies (was in answers)".to_owned()
        });
    }
    // Nullable and in-list mean nothing for a field answers do not carry.
    if old.read && new.read {
        if old.nullable != new.nullable {
            what.push(was_is("nullable", old.nullable, new.nullable));
        }
        if old.in_list != new.in_list {
            what.push(was_is("in list records", old.in_list, new.in_list));
        }
    }
    if old.pii != new.pii {
        let pii = |p: Option<Pii>| p.map_or_else(|| "none".to_owned(), |p| code(p.as_str()));
        what.push(was_is("PII", pii(old.pii), pii(new.pii)));
    }
    if old.api_only != new.api_only {
        what.push(was_is("API only", old.api_only, new.api_only));
    }
    if old.flag != new.flag {
        let flag = |f: &Option<String>| f.as_deref().map_or_else(|| "default".to_owned(), code);
        what.push(was_is(
            "command-line flag",
            flag(&old.flag),
            flag(&new.flag),
        ));
    }
    what
}
