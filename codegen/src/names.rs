//! Rust names from spec names, in one place: case conversion (heck), keywords, and the
//! names that cannot become identifiers at all. Validation calls the same functions as the
//! emitters, so a spec that loads always yields valid identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Why a spec name cannot become a Rust identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError(pub String);

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Every strict and reserved keyword of Rust 2024 (the generated crate's edition), which
/// become raw identifiers. Kept as a list: syn accepts some of them (`gen`) as identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// A `snake_case` identifier (fields, modules, functions); keywords become raw (`r#type`).
pub fn snake_ident(name: &str) -> Result<Ident, NameError> {
    ident(&name.to_snake_case(), name)
}

/// An `UpperCamelCase` identifier (types, enum variants).
pub fn camel_ident(name: &str) -> Result<Ident, NameError> {
    ident(&name.to_upper_camel_case(), name)
}

/// A `SCREAMING_SNAKE_CASE` identifier (constants).
pub fn const_ident(name: &str) -> Result<Ident, NameError> {
    ident(&heck::ToShoutySnakeCase::to_shouty_snake_case(name), name)
}

/// The module of an entity: the snake-case plural (`coworker_discount_codes`).
pub fn entity_module(entity: &str) -> Result<Ident, NameError> {
    let snake = entity.to_snake_case();
    let plural = if snake.ends_with('y')
        && !snake.ends_with("ay")
        && !snake.ends_with("ey")
        && !snake.ends_with("oy")
    {
        format!("{}ies", &snake[..snake.len() - 1])
    } else if ["s", "x", "ch", "sh"]
        .iter()
        .any(|end| snake.ends_with(end))
    {
        format!("{snake}es")
    } else {
        format!("{snake}s")
    };
    ident(&plural, entity)
}

fn ident(converted: &str, original: &str) -> Result<Ident, NameError> {
    if converted.is_empty() {
        return Err(NameError(format!(
            "`{original}` has no letters or digits to make a Rust name from"
        )));
    }
    if !converted
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(NameError(format!(
            "`{original}` becomes `{converted}`, which is not an ASCII Rust identifier"
        )));
    }
    if converted.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(NameError(format!(
            "`{original}` becomes `{converted}`, which starts with a digit"
        )));
    }
    if NOT_RAW.contains(&converted) {
        return Err(NameError(format!(
            "`{original}` becomes `{converted}`, a Rust keyword that cannot be a raw identifier"
        )));
    }
    if KEYWORDS.contains(&converted) {
        Ok(Ident::new_raw(converted, Span::call_site()))
    } else {
        Ok(Ident::new(converted, Span::call_site()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_escapes() {
        assert_eq!(
            snake_ident("CoworkerId").unwrap().to_string(),
            "coworker_id"
        );
        assert_eq!(snake_ident("Type").unwrap().to_string(), "r#type");
        // Reserved in edition 2024, which the generated crate uses.
        assert_eq!(snake_ident("Gen").unwrap().to_string(), "r#gen");
        assert_eq!(snake_ident("Async").unwrap().to_string(), "r#async");
        assert_eq!(
            camel_ident("coworker_type").unwrap().to_string(),
            "CoworkerType"
        );
        assert_eq!(
            entity_module("CoworkerDiscountCode").unwrap().to_string(),
            "coworker_discount_codes"
        );
        assert_eq!(entity_module("Currency").unwrap().to_string(), "currencies");
        assert_eq!(entity_module("Pass").unwrap().to_string(), "passes");
    }

    #[test]
    fn rejects_what_cannot_be_an_identifier() {
        assert!(snake_ident("9Lives").is_err());
        assert!(snake_ident("---").is_err());
        assert!(snake_ident("Self").is_err());
        assert!(camel_ident("Größe").is_err());
    }
}
