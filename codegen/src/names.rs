//! Rust names from spec names, in one place: case conversion (heck), keywords, and the
//! names that cannot become identifiers at all. The resolver calls these functions once and
//! stores the result in the model as a [`RustIdent`], so the emitters never convert a name
//! themselves and a spec that loads always yields valid identifiers.

use std::fmt;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};

/// Why a spec name cannot become a Rust identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError(pub String);

/// A valid Rust identifier, made by this module. It is plain data (proc-macro2's `Ident` is
/// neither `Send` nor `Sync`, and the emitters run on several threads); it becomes an
/// `Ident` when interpolated into `quote!`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustIdent {
    /// The name without `r#`.
    name: String,
    /// A keyword, written `r#name`.
    raw: bool,
}

impl RustIdent {
    /// The name without `r#`: for derived names (`with_type`) and text.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The `proc_macro2` identifier.
    pub fn ident(&self) -> Ident {
        if self.raw {
            Ident::new_raw(&self.name, Span::call_site())
        } else {
            Ident::new(&self.name, Span::call_site())
        }
    }

    /// A name made from this one by adding text (`with_` + `type`): never a keyword, as
    /// every keyword is a single lowercase word.
    pub fn prefixed(&self, prefix: &str) -> RustIdent {
        RustIdent {
            name: format!("{prefix}{}", self.name),
            raw: false,
        }
    }

    /// A name made from this one by adding text at the end (`Coworker` + `Id`).
    pub fn suffixed(&self, suffix: &str) -> RustIdent {
        RustIdent {
            name: format!("{}{suffix}", self.name),
            raw: false,
        }
    }
}

impl fmt::Display for RustIdent {
    /// As written in Rust source, with `r#` for keywords.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

impl ToTokens for RustIdent {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append(self.ident());
    }
}

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

/// Whether a name is a Rust keyword (and so would need `r#`).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name) || NOT_RAW.contains(&name)
}

/// A `snake_case` identifier (fields, modules, functions); keywords become raw (`r#type`).
pub fn snake(name: &str) -> Result<RustIdent, NameError> {
    ident(name.to_snake_case(), name)
}

/// An `UpperCamelCase` identifier (types, enum variants).
pub fn camel(name: &str) -> Result<RustIdent, NameError> {
    ident(name.to_upper_camel_case(), name)
}

/// A `SCREAMING_SNAKE_CASE` identifier (constants).
pub fn shouty(name: &str) -> Result<RustIdent, NameError> {
    ident(name.to_shouty_snake_case(), name)
}

/// The module of an entity: the snake-case plural (`coworker_discount_codes`).
pub fn entity_module(entity: &str) -> Result<RustIdent, NameError> {
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
    ident(plural, entity)
}

/// The Rust type of an API enumeration: its name without the API's `e` prefix
/// (`eTimeSpanWeekMonth` → `TimeSpanWeekMonth`).
pub fn enum_type(api_name: &str) -> Result<RustIdent, NameError> {
    let stripped = api_name
        .strip_prefix('e')
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        .unwrap_or(api_name);
    camel(stripped)
}

fn ident(converted: String, original: &str) -> Result<RustIdent, NameError> {
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
    if NOT_RAW.contains(&converted.as_str()) {
        return Err(NameError(format!(
            "`{original}` becomes `{converted}`, a Rust keyword that cannot be a raw identifier"
        )));
    }
    let raw = KEYWORDS.contains(&converted.as_str());
    Ok(RustIdent {
        name: converted,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_escapes() {
        assert_eq!(snake("CoworkerId").unwrap().to_string(), "coworker_id");
        assert_eq!(snake("Type").unwrap().to_string(), "r#type");
        assert_eq!(snake("Type").unwrap().as_str(), "type");
        // Reserved in edition 2024, which the generated crate uses.
        assert_eq!(snake("Gen").unwrap().to_string(), "r#gen");
        assert_eq!(snake("Async").unwrap().to_string(), "r#async");
        assert_eq!(camel("coworker_type").unwrap().to_string(), "CoworkerType");
        assert_eq!(
            entity_module("CoworkerDiscountCode").unwrap().to_string(),
            "coworker_discount_codes"
        );
        assert_eq!(entity_module("Currency").unwrap().to_string(), "currencies");
        assert_eq!(entity_module("Pass").unwrap().to_string(), "passes");
        assert_eq!(
            enum_type("eTimeSpanWeekMonth").unwrap().to_string(),
            "TimeSpanWeekMonth"
        );
        assert_eq!(enum_type("DayOfWeek").unwrap().to_string(), "DayOfWeek");
        assert_eq!(enum_type("eligible").unwrap().to_string(), "Eligible");
        assert_eq!(
            snake("Type").unwrap().prefixed("with_").to_string(),
            "with_type"
        );
    }

    #[test]
    fn rejects_what_cannot_be_an_identifier() {
        assert!(snake("9Lives").is_err());
        assert!(snake("---").is_err());
        assert!(snake("Self").is_err());
        assert!(camel("Größe").is_err());
    }
}
