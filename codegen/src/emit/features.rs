//! The generated crate's cargo features: one per entity and one per area, `full` (the
//! default) for everything, so that a user who needs two entities compiles two entities, and
//! `schemas` for every entity's data without its types.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Entity, Type};

/// The feature that enables everything the spec generates.
pub const FULL: &str = "full";

/// The feature that compiles every entity's `SCHEMA` (so `ENTITIES` holds them all), its
/// endpoint constants and the enumerations they name, but no records, bodies or handles: for
/// programs that drive the API from data (the command line, the emulator).
pub const SCHEMAS: &str = "schemas";

/// The feature of one entity: its module name (`coworker_discount_codes`).
pub fn entity_feature(entity: &Entity) -> String {
    entity.names.module.as_str().to_owned()
}

/// Features that compile an entity's data (its module, endpoint constants and `SCHEMA`): its
/// own and `schemas`.
pub fn data_features(entity: &Entity) -> [String; 2] {
    [entity_feature(entity), SCHEMAS.to_owned()]
}

/// `#[cfg(...)]` for an item that exists when any of `features` is on; nothing when the set
/// is empty (an item no entity uses is always compiled: it is part of the API all the same).
pub fn cfg_any<'a>(features: impl IntoIterator<Item = &'a String>) -> TokenStream {
    let features: Vec<&String> = features.into_iter().collect();
    match features.as_slice() {
        [] => TokenStream::new(),
        // clippy's `non_minimal_cfg` refuses `any` of one.
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// The features of the entities that use each enumeration and each typed id, keyed by the
/// Rust type's name, so that `enums.rs` and `ids.rs` compile only what the enabled entities
/// need; enumerations also with `schemas`, since `SCHEMA` names them.
#[derive(Debug, Default)]
pub struct UsedBy(BTreeMap<String, BTreeSet<String>>);

impl UsedBy {
    pub fn new(api: &Api) -> Self {
        let mut used = UsedBy::default();
        for entity in &api.entities {
            let feature = entity_feature(entity);
            let mut add = |name: &str, feature: &str| {
                used.0
                    .entry(name.to_owned())
                    .or_default()
                    .insert(feature.to_owned());
            };
            add(entity.id.rust.as_str(), &feature);
            for ty in entity.types() {
                match ty {
                    Type::Id(id) | Type::Ids(id) => add(id.rust.as_str(), &feature),
                    // `SCHEMA` names the enumerations of fields and filters (not typed ids).
                    Type::Enum(e) => {
                        add(e.rust.as_str(), &feature);
                        add(e.rust.as_str(), SCHEMAS);
                    }
                    _ => {}
                }
            }
        }
        used
    }

    /// The cfg of the enumeration or typed id named `rust`.
    pub fn cfg(&self, rust: &str) -> TokenStream {
        cfg_any(self.0.get(rust).into_iter().flatten())
    }
}

/// Every generated feature and what it enables, in name order: `full` enables the areas,
/// an area enables its entities, an entity enables nothing else, and `schemas` enables no
/// other feature (it compiles every entity's data).
pub fn cargo_features(api: &Api) -> BTreeMap<String, Vec<String>> {
    let mut features: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entity in &api.entities {
        let feature = entity_feature(entity);
        let area = entity.area.as_str().to_owned();
        features
            .entry(area.clone())
            .or_default()
            .push(feature.clone());
        features.insert(feature, Vec::new());
        features.entry(FULL.to_owned()).or_default().push(area);
    }
    features.insert(SCHEMAS.to_owned(), Vec::new());
    for enabled in features.values_mut() {
        enabled.sort();
        enabled.dedup();
    }
    features
}
