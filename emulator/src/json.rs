//! Reading request bodies: JSON numbers that are whole (`12.0`, `1.2e3`) are read as the
//! integers they are.
//!
//! JSON does not tell `12.0` from `12`, and JSON Schema's `integer` (so the OpenAPI
//! document) accepts both, so integer fields take both. The rewrite is done on the text,
//! exactly: `serde_json` reads `2216640254734759.0` as a float a little off the integer,
//! and an integer beyond `i64` such as `-9223372036854775809` as a float that looks like
//! `i64::MIN`; both would be wrong here.

use std::borrow::Cow;

use serde_json::Value;

/// Parses a request body, every whole number within `i64` read as an integer.
pub(crate) fn parse(body: &[u8]) -> serde_json::Result<Value> {
    serde_json::from_slice(&whole_numbers(body))
}

/// The body with every number token that is a whole number within `i64` but written with
/// a fraction or an exponent rewritten as an integer literal. Strings are left alone.
fn whole_numbers(body: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => i = string_end(body, i),
            b'-' | b'0'..=b'9' => {
                let end = number_end(body, i);
                let token = &body[i..end];
                if token.iter().any(|b| matches!(b, b'.' | b'e' | b'E'))
                    && let Some(int) = whole_number(token)
                {
                    let out = out.get_or_insert_with(|| Vec::with_capacity(body.len()));
                    out.extend_from_slice(&body[copied..i]);
                    out.extend_from_slice(int.to_string().as_bytes());
                    copied = end;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    match out {
        Some(mut out) => {
            out.extend_from_slice(&body[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(body),
    }
}

/// The index after the string that starts at `start` (a `"`).
fn string_end(body: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    body.len()
}

/// The index after the number-like token that starts at `start`.
fn number_end(body: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < body.len() && matches!(body[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
        i += 1;
    }
    i
}

/// A JSON number token (`-12.50e1`) as an `i64`, if it is one exactly. `None` for a
/// fraction, a number beyond `i64`, or a token that is not a JSON number (left for the
/// parser to refuse).
fn whole_number(token: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(token).ok()?;
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (int_part, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // JSON: an integer part without leading zeros, a non-empty fraction when there is a dot.
    if int_part.is_empty()
        || !digits_ok(int_part)
        || !digits_ok(fraction)
        || (int_part.len() > 1 && int_part.starts_with('0'))
        || (mantissa.contains('.') && fraction.is_empty())
    {
        return None;
    }
    // value = digits × 10^scale
    let mut digits = format!("{int_part}{fraction}");
    let mut scale = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?;
    while scale < 0 && digits.ends_with('0') {
        digits.pop();
        scale += 1;
    }
    if scale < 0 {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    let mut value: i128 = digits.parse().ok()?;
    for _ in 0..scale {
        value = value.checked_mul(10)?;
        if value > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_become_integers() {
        assert_eq!(whole_number(b"12.0"), Some(12));
        assert_eq!(whole_number(b"-384.000"), Some(-384));
        assert_eq!(
            whole_number(b"2216640254734759.0"),
            Some(2_216_640_254_734_759)
        );
        assert_eq!(whole_number(b"1.5e3"), Some(1500));
        assert_eq!(whole_number(b"1E+2"), Some(100));
        assert_eq!(whole_number(b"-0.0"), Some(0));
        assert_eq!(whole_number(b"9.223372036854775807e18"), Some(i64::MAX));
        assert_eq!(whole_number(b"-9.223372036854775808e18"), Some(i64::MIN));
    }

    #[test]
    fn fractions_and_out_of_range_numbers_stay() {
        assert_eq!(whole_number(b"12.5"), None);
        assert_eq!(whole_number(b"1.25e1"), None);
        assert_eq!(whole_number(b"9.223372036854775808e18"), None);
        assert_eq!(whole_number(b"1.7976931348623157e308"), None);
        assert_eq!(whole_number(b"1e-2"), None);
        assert_eq!(whole_number(b"01.0"), None);
        assert_eq!(whole_number(b"1."), None);
    }

    #[test]
    fn bodies_are_rewritten_outside_strings_only() {
        let body = br#"{"Ids": [1.0, -2e1, 3], "Note": "4.0 \" 5.0", "Big": -9223372036854775809, "Money": 1.5}"#;
        let value = parse(body).expect("JSON");
        assert_eq!(value["Ids"], serde_json::json!([1, -20, 3]));
        assert_eq!(value["Note"], "4.0 \" 5.0");
        assert_eq!(value["Big"].as_i64(), None);
        assert_eq!(value["Money"], 1.5);
    }
}
