//! Documentation from spec text, for the Rust emitters and the OpenAPI document alike.
//! Text always becomes `#[doc = "..."]` string literals (raw ones where the output is the
//! same), never tokens, so no spec text can turn into code. The loader refuses control
//! characters in docs, which rustdoc would refuse on a `///` line.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::TokenStreamExt;

use crate::model::Field;

/// Outer doc attributes (`///`), one per line so the output reads like hand-written rustdoc.
pub fn outer(text: &str) -> TokenStream {
    attributes(text, false)
}

/// Inner doc attributes (`//!`) for a module or crate.
pub fn inner(text: &str) -> TokenStream {
    attributes(text, true)
}

/// `#[doc = ...]` (`#![doc = ...]` when `inner`) per line: the tokens `quote!` would make,
/// appended to one stream rather than a stream per line that is then copied.
fn attributes(text: &str, inner: bool) -> TokenStream {
    let doc = Ident::new("doc", Span::call_site());
    let mut out = TokenStream::new();
    for line in lines(text) {
        out.append(Punct::new('#', Spacing::Alone));
        if inner {
            out.append(Punct::new('!', Spacing::Alone));
        }
        let meta = [
            TokenTree::from(doc.clone()),
            Punct::new('=', Spacing::Alone).into(),
            literal(&line).into(),
        ];
        out.append(Group::new(Delimiter::Bracket, meta.into_iter().collect()));
    }
    out
}

/// A doc line as a raw string literal where the output is the same: syn (twice) and
/// prettyplease read a raw literal by slicing, while they unescape a plain one char by char,
/// which was a tenth of generation time. prettyplease prints the literal's spelling, not
/// `///`, for a line that starts with `/` or holds a line break, and a raw literal cannot
/// hold a lone `\r`: those stay plain.
fn literal(line: &str) -> Literal {
    if line.starts_with('/') || line.contains(['\r', '\n']) {
        return Literal::string(line);
    }
    // More `#`s than follow any `"` in the line, so that none ends the literal.
    let hashes = line
        .split('"')
        .skip(1)
        .map(|after| after.len() - after.trim_start_matches('#').len() + 1)
        .max()
        .unwrap_or(0);
    let hashes = "#".repeat(hashes);
    ["r", &hashes, "\"", line, "\"", &hashes]
        .concat()
        .parse()
        .unwrap_or_else(|_| Literal::string(line))
}

/// Prose is reflowed to lines of at most this many characters.
const WIDTH: usize = 92;

/// The text's lines, each with the leading space rustdoc expects after `///`. Prose
/// paragraphs and list items are reflowed; code blocks and table rows are kept as written.
fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut paragraph = String::new();
    let mut in_code = false;
    let flush = |paragraph: &mut String, out: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.extend(wrap(paragraph));
            paragraph.clear();
        }
    };
    for line in text.trim_end().lines() {
        let line = line.trim_end();
        let trimmed = line.trim_start();
        let fence = trimmed.starts_with("```");
        if in_code || fence || trimmed.starts_with('|') {
            flush(&mut paragraph, &mut out);
            out.push(format!(" {line}"));
            in_code ^= fence;
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
            out.push(String::new());
        } else {
            let list_item = trimmed.starts_with("- ") || trimmed.starts_with("* ");
            if list_item {
                flush(&mut paragraph, &mut out);
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

fn wrap(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Each line starts with its leading space, so it is pushed as it is; sized for a full
    // line, so that it is allocated once.
    let new_line = || {
        let mut line = String::with_capacity(WIDTH + 1);
        line.push(' ');
        line
    };
    let mut current = new_line();
    for word in text.split_whitespace() {
        if current.len() > 1 && current.len() + word.len() > WIDTH {
            out.push(std::mem::replace(&mut current, new_line()));
        }
        if current.len() > 1 {
            current.push(' ');
        }
        current.push_str(word);
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

/// Joins paragraphs with a blank doc line between them, skipping empty ones.
pub fn paragraphs<I: IntoIterator<Item = S>, S: AsRef<str>>(parts: I) -> String {
    parts
        .into_iter()
        .map(|p| p.as_ref().trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The first sentence of a text's first paragraph, on one line, for one-line summaries: up
/// to the first full stop followed by a space that is not inside brackets or a code span,
/// nor the end of an abbreviation (`e.g.`, `i.e.`, and `etc.` before a lowercase word).
pub fn first_sentence(text: &str) -> String {
    let paragraph = text.trim_start().split("\n\n").next().unwrap_or_default();
    let flat = flat(paragraph);
    let mut depth = 0usize;
    let mut in_code = false;
    for (i, c) in flat.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '(' | '[' if !in_code => depth += 1,
            ')' | ']' if !in_code => depth = depth.saturating_sub(1),
            '.' if !in_code && depth == 0 => {
                if let Some(next) = flat[i + 1..].strip_prefix(' ')
                    && !abbreviation(&flat[..i], next)
                {
                    return flat[..=i].to_owned();
                }
            }
            _ => {}
        }
    }
    flat
}

/// Whether the full stop after `before` ends an abbreviation rather than a sentence, given
/// the text after it.
fn abbreviation(before: &str, next: &str) -> bool {
    let word = before
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .trim_start_matches(['(', '[', '"'])
        .to_ascii_lowercase();
    let lowercase_next = next.starts_with(|c: char| c.is_lowercase());
    matches!(word.as_str(), "e.g" | "i.e" | "cf" | "vs") || (word == "etc" && lowercase_next)
}

/// The text on one line: for docs that embed spec text in a sentence.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Spec text made safe for rustdoc: `[`, `]` and `<` outside code spans are escaped, so
/// that prose like `[brackets]` is not read as an intra-doc link and `ids<Coworker>` not as
/// an HTML tag (either fails `cargo doc -D warnings`). Code spans are left as written.
pub fn spec(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '[' | ']' | '<' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A field's rustdoc where it is defined: the spec's text, then its wire name and flags.
pub fn field(field: &Field) -> String {
    let mut flags = vec![format!("`{}`", field.wire)];
    if field.required {
        flags.push("required on create".into());
    }
    match (field.create, field.update) {
        (true, true) => {}
        (true, false) => flags.push("set on create only".into()),
        (false, true) => flags.push("set on update only".into()),
        (false, false) => flags.push("read-only".into()),
    }
    if !field.read {
        flags.push("sent only, never in answers".into());
    }
    if field.api_only {
        flags.push("API-only".into());
    }
    let decision = field
        .decision
        .as_deref()
        .map(|d| format!("Spec decision: {}", spec(d.trim())))
        .unwrap_or_default();
    paragraphs([
        spec(&field.docs),
        format!("Wire: {}.", flags.join(", ")),
        decision,
    ])
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn first_sentences_end_at_a_full_stop_not_an_abbreviation_or_a_bracket() {
        assert_eq!(
            first_sentence("A code given to a\ncustomer. More here.\n\nAnother."),
            "A code given to a customer."
        );
        assert_eq!(
            first_sentence("No full stop\nat all"),
            "No full stop at all"
        );
        assert_eq!(
            first_sentence("No full stop here\n\nbut in the next. Paragraph."),
            "No full stop here"
        );
        assert_eq!(
            first_sentence("A series (e.g. daily. Or weekly) of items, e.g. tasks. Then more."),
            "A series (e.g. daily. Or weekly) of items, e.g. tasks."
        );
        assert_eq!(
            first_sentence("Tokens, keys, etc. are kept. Etc. Then"),
            "Tokens, keys, etc. are kept."
        );
        assert_eq!(first_sentence("Names, etc. Then more."), "Names, etc.");
        assert_eq!(
            first_sentence("Reads `a. b` first. Then"),
            "Reads `a. b` first."
        );
    }

    #[test]
    fn doc_lines_keep_their_text_whatever_quotes_they_hold() {
        for line in [
            "",
            " plain",
            r###" a "quote" and "# and "## and \ and \n"###,
            " a \r in the middle",
            "/ a slash first",
        ] {
            let lit: syn::LitStr = syn::parse2(literal(line).into_token_stream()).unwrap();
            assert_eq!(lit.value(), line);
        }
    }
}
