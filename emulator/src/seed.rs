//! Seed data: `{"Entity": [{..record..}, ...], ...}` from a file or a JSON value.

use serde_json::Value;

use super::EmulatorError;
use super::config::Seed;
use super::store::Store;

/// Stores every record of a seed.
pub(crate) fn load(store: &mut Store, seed: &Seed) -> Result<(), EmulatorError> {
    let (origin, value) = match seed {
        Seed::File(path) => {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| EmulatorError::Seed {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
            let value = serde_json::from_str(&text).map_err(|e| EmulatorError::Seed {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
            (origin, value)
        }
        Seed::Json(value) => ("seed_json".to_owned(), value.clone()),
    };
    let failure = |message: String| EmulatorError::Seed {
        origin: origin.clone(),
        message,
    };
    let Value::Object(entities) = value else {
        return Err(failure(
            "the seed must be an object from entity names to arrays of records".into(),
        ));
    };
    for (entity, records) in entities {
        let table = store
            .by_name(&entity)
            .ok_or_else(|| failure(format!("no entity `{entity}` in the spec")))?;
        let Value::Array(records) = records else {
            return Err(failure(format!("`{entity}` must be an array of records")));
        };
        for record in records {
            table.insert_raw(record).map_err(&failure)?;
        }
    }
    Ok(())
}
