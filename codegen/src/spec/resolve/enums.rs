//! `enums.yaml`: every enumeration, declared once.

use std::collections::BTreeMap;
use std::sync::Arc;

use marked_yaml::Spanned;

use super::{Resolver, line_of};
use crate::model::{Enum, EnumValue};
use crate::names;
use crate::spec::raw;

/// The variant the generated enums add for values the spec does not name.
pub const UNKNOWN_VARIANT: &str = "Unknown";

impl Resolver<'_> {
    pub(super) fn enums(&mut self, enums: &[raw::EnumDef]) {
        let mut rust_names: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        for def in enums {
            let name = &def.name;
            if name.is_empty()
                || !name.chars().all(|c| c.is_ascii_alphanumeric())
                || !name.starts_with(|c: char| c.is_ascii_alphabetic())
            {
                self.error(
                    name.span(),
                    format!(
                        "enum name `{}` must be ASCII letters and digits",
                        name.as_str()
                    ),
                    None,
                );
                continue;
            }
            let rust = match &def.rust {
                Some(rust) => self.name(names::camel, rust, "the enum", None),
                None => self.name(
                    names::enum_type,
                    name,
                    "the enum",
                    Some("add `rust: SomeName`"),
                ),
            };
            let docs = self.docs(&def.docs, &format!("enum `{}`", name.as_str()));
            self.sources(&def.sources);
            let values = self.enum_values(def);
            let Some(rust) = rust else { continue };
            if self.enums.contains_key(name.as_str()) {
                self.error(
                    name.span(),
                    format!("enum `{}` is declared twice", name.as_str()),
                    None,
                );
                continue;
            }
            if let Some(first) = rust_names.insert(rust.to_string(), name) {
                let at = line_of(first.span());
                self.error(
                    name.span(),
                    format!(
                        "enums `{}` and `{}` both become `{rust}` in Rust (the other is{at})",
                        first.as_str(),
                        name.as_str()
                    ),
                    Some("give one of them a `rust:` name".into()),
                );
                continue;
            }
            self.enums.insert(
                name.to_string(),
                Arc::new(Enum {
                    name: name.to_string(),
                    rust,
                    docs,
                    decision: def.decision.as_ref().map(|d| d.to_string()),
                    values,
                }),
            );
        }
    }

    fn enum_values(&mut self, def: &raw::EnumDef) -> Vec<EnumValue> {
        let mut values = Vec::new();
        let mut seen_values: BTreeMap<i64, &Spanned<i64>> = BTreeMap::new();
        let mut seen_variants: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        for v in &def.values {
            if let Some(first) = seen_values.insert(*v.value, &v.value) {
                let at = line_of(first.span());
                self.error(
                    v.value.span(),
                    format!("value {} is listed twice (first{at})", *v.value),
                    None,
                );
            }
            let what = format!("enum value `{}`", v.name.as_str());
            let docs = self.optional_docs(v.docs.as_ref(), &what);
            let Some(variant) = self.name(names::camel, &v.name, &what, None) else {
                continue;
            };
            if variant.as_str() == UNKNOWN_VARIANT {
                self.error(
                    v.name.span(),
                    format!(
                        "`{UNKNOWN_VARIANT}` is the variant the generator adds for values the spec does not name"
                    ),
                    Some("name this value differently and say why in its `docs`".into()),
                );
                continue;
            }
            if let Some(first) = seen_variants.insert(variant.to_string(), &v.name) {
                let at = line_of(first.span());
                self.error(
                    v.name.span(),
                    format!(
                        "values `{}` and `{}` both become the variant `{variant}` (the other is{at})",
                        first.as_str(),
                        v.name.as_str()
                    ),
                    None,
                );
                continue;
            }
            values.push(EnumValue {
                value: *v.value,
                name: v.name.to_string(),
                variant,
                docs,
            });
        }
        values
    }
}
