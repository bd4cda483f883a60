//! The generated crate's cargo features: one per entity and one per area, and `full` (the
//! default) for everything, so that a user who needs two entities compiles two entities.

use std::collections::BTreeMap;

use crate::model::{Api, Entity};

/// The feature that enables everything the spec generates.
pub const FULL: &str = "full";

/// The feature of one entity: its module name (`coworker_discount_codes`).
pub fn entity_feature(entity: &Entity) -> String {
    entity.names.module.as_str().to_owned()
}

/// Every generated feature and what it enables, in name order: `full` enables the areas,
/// an area enables its entities, an entity enables nothing else.
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
    for enabled in features.values_mut() {
        enabled.sort();
        enabled.dedup();
    }
    features
}
