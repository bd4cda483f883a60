//! What a field is in the generated crate: the public items it shows in and its Rust type in
//! each, as `codegen/src/emit/entity/` makes them. Two versions of a field are compared item
//! by item: code that used the old one breaks when an item it could name is gone or has
//! another type, or when `new` takes one more argument.

use codegen::emit::rust_types;
use codegen::model::{Child, EndpointKind, Entity, Field};

/// A public item that holds a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// The full record's `pub` field.
    Record,
    /// The list record's `pub` field.
    ListItem,
    /// An argument of the create body's (or inline element's) `new`, and its `pub` field.
    Argument,
    /// A `with_` setter of the create body (or inline element), and its `pub` field.
    Setter,
    /// The update body's `pub` field.
    Update,
}

/// Where one field shows, with its Rust type there.
#[derive(Debug, Clone)]
pub struct Surface {
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
struct Item {
    place: Place,
    /// How a user names it (`Coworker::email`, `NewCoworker::with_email`).
    path: String,
    ty: String,
}

/// The structs an entity's module defines: a field's item is compared only where the struct
/// holding it exists in both crates (a struct that comes or goes is its endpoint's change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Structs {
    list_item: bool,
    new_body: bool,
    update_body: bool,
}

impl Structs {
    pub fn of(entity: &Entity) -> Structs {
        Structs {
            list_item: entity.has_list_records(),
            new_body: entity.has(EndpointKind::Create),
            update_body: entity.has(EndpointKind::Update),
        }
    }

    /// An inline child element (`InlineBookingProduct`): a struct built like a create
    /// body, which exists when its parent has a create or update body.
    pub fn of_element(parent: &Entity) -> Structs {
        Structs {
            list_item: false,
            new_body: parent.has(EndpointKind::Create) || parent.has(EndpointKind::Update),
            update_body: false,
        }
    }

    /// Whether `new` (of the create body or element) exists.
    pub fn has_new(self) -> bool {
        self.new_body
    }

    /// The structs both have.
    pub fn both(self, other: Structs) -> Structs {
        Structs {
            list_item: self.list_item && other.list_item,
            new_body: self.new_body && other.new_body,
            update_body: self.update_body && other.update_body,
        }
    }

    fn has(self, place: Place) -> bool {
        match place {
            Place::Record => true,
            Place::ListItem => self.list_item,
            Place::Argument | Place::Setter => self.new_body,
            Place::Update => self.update_body,
        }
    }
}

impl Surface {
    /// A record field (or a body-only one) of `entity`.
    pub fn of_field(entity: &Entity, field: &Field) -> Surface {
        let names = &entity.names;
        let structs = Structs::of(entity);
        let ident = field.ident.as_str();
        let mut items = Vec::new();
        if field.read {
            items.push(Item {
                place: Place::Record,
                path: format!("{}::{ident}", names.record),
                ty: text(&rust_types::field_type(field, field.optional_in_record())),
            });
            if structs.list_item && field.in_list {
                items.push(Item {
                    place: Place::ListItem,
                    path: format!("{}::{ident}", names.list_item),
                    ty: text(&rust_types::field_type(
                        field,
                        entity.optional_in_list(field),
                    )),
                });
            }
        }
        if structs.new_body && field.create {
            items.push(constructed(names.new_body.as_str(), field));
        }
        if structs.update_body && field.update {
            items.push(Item {
                place: Place::Update,
                path: format!("{}::{ident}", names.update_body),
                ty: text(&rust_types::field_type(field, field.optional_in_update())),
            });
        }
        Surface { items }
    }

    /// A joined field: list records only.
    pub fn of_joined(entity: &Entity, field: &Field) -> Surface {
        let items = entity
            .has_list_records()
            .then(|| Item {
                place: Place::ListItem,
                path: format!("{}::{}", entity.names.list_item, field.ident.as_str()),
                ty: text(&rust_types::field_type(
                    field,
                    entity.optional_in_list(field),
                )),
            })
            .into_iter()
            .collect();
        Surface { items }
    }

    /// A property of an inline child element (`InlineBookingProduct`); see
    /// [`Structs::of_element`] for when the element exists.
    pub fn of_property(child: &Child, property: &Field) -> Surface {
        Surface {
            items: vec![constructed(child.rust.as_str(), property)],
        }
    }

    /// Why code built against `old` breaks with `new`, one reason per item, for the items
    /// of structs both crates have (`structs`); empty when nothing breaks.
    pub fn breaks(old: &Surface, new: &Surface, structs: Structs) -> Vec<String> {
        let mut reasons = Vec::new();
        let shared = |s: &Surface| -> Vec<Item> {
            s.items
                .iter()
                .filter(|i| structs.has(i.place))
                .cloned()
                .collect()
        };
        let (old, new) = (shared(old), shared(new));
        for before in &old {
            match new.iter().find(|i| same_item(i, before)) {
                Some(after) if after.path != before.path => {
                    reasons.push(format!("`{}` is now `{}`", before.path, after.path))
                }
                Some(after) if after.ty != before.ty => reasons.push(format!(
                    "`{}` is `{}`, was `{}`",
                    after.path, after.ty, before.ty
                )),
                Some(_) => {}
                None => reasons.push(gone(before, &new)),
            }
        }
        for after in &new {
            if after.place == Place::Argument && !old.iter().any(|i| same_item(i, after)) {
                reasons.push(format!(
                    "`{}` takes a new argument `{}`",
                    new_fn(&after.path),
                    member(&after.path)
                ));
            }
        }
        reasons
    }

    /// Why removing a field breaks code: every item it had, in structs the new crate keeps.
    pub fn removal_breaks(old: &Surface, structs: Structs) -> Vec<String> {
        Surface::breaks(old, &Surface { items: Vec::new() }, structs)
    }

    /// Why adding a field breaks code: only a new argument of `new` does.
    pub fn addition_breaks(new: &Surface, structs: Structs) -> Vec<String> {
        Surface::breaks(&Surface { items: Vec::new() }, new, structs)
    }
}

/// A create body's or inline element's field: an argument of `new` when required, else a
/// setter; its `pub` field is `Option<T>` unless required.
fn constructed(body: &str, field: &Field) -> Item {
    let ident = field.ident.as_str();
    let (place, path) = if !field.optional_in_create() {
        (Place::Argument, format!("{body}::{ident}"))
    } else {
        (Place::Setter, format!("{body}::with_{ident}"))
    };
    Item {
        place,
        path,
        ty: text(&rust_types::field_type(field, field.optional_in_create())),
    }
}

/// The same place in the same struct (an argument and a setter of the same body are not:
/// a field that stops being required drops an argument of `new`).
fn same_item(a: &Item, b: &Item) -> bool {
    a.place == b.place && struct_of(&a.path) == struct_of(&b.path)
}

/// Why an item that is gone breaks code.
fn gone(before: &Item, new: &[Item]) -> String {
    match before.place {
        Place::Argument => {
            let setter = new
                .iter()
                .any(|i| i.place == Place::Setter && struct_of(&i.path) == struct_of(&before.path));
            let instead = if setter { " (it is a setter now)" } else { "" };
            format!(
                "`{}` no longer takes the argument `{}`{instead}",
                new_fn(&before.path),
                member(&before.path)
            )
        }
        _ => format!("`{}` is gone", before.path),
    }
}

fn struct_of(path: &str) -> &str {
    path.split_once("::").map_or(path, |(s, _)| s)
}

fn member(path: &str) -> &str {
    path.split_once("::").map_or(path, |(_, m)| m)
}

fn new_fn(path: &str) -> String {
    format!("{}::new", struct_of(path))
}

/// A Rust type as a user writes it: `Option<CoworkerId>`, not `Option < crate :: ids :: CoworkerId >`.
pub fn text(tokens: &impl std::fmt::Display) -> String {
    let compact: String = tokens
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    compact
        .replace("::serde_json::", "serde_json::")
        .replace("crate::ids::", "")
        .replace("crate::enums::", "")
        .replace("crate::", "")
}
