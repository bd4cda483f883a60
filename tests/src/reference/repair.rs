//! Reading an example as JSON, repairing the few ways the reference writes invalid JSON.
//!
//! An example that is JSON is taken as it is. Otherwise a lenient parser reads it and writes
//! strict JSON, and names every repair it made ([`Repair`]). Each repair stands for one way
//! the page generator wrote an example, and none changes the type of a value that the page
//! gives: a value it cannot read stays unread and the example is unparseable, so a repair
//! never turns a wrong value into a right one. Values the page left out (nothing,
//! `Joe`-like placeholders) become `null`, which a required field still refuses.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::IgnoredAny;

/// One kind of repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Repair {
    /// A comma before `}` or `]`: dropped.
    TrailingComma,
    /// A line of closing brackets repeated (`}],` twice): the copy dropped.
    DoubledClose,
    /// No comma between two properties or items on separate lines: one added.
    MissingComma,
    /// A string left open at the end of its line: closed there, before a trailing comma.
    UnclosedString,
    /// A note in parentheses after a value (`[1, 2] (replaces entire list)`): dropped.
    Annotation,
    /// `...` standing for more properties or items: dropped.
    Ellipsis,
    /// Alternative values (`500 or 200`, `false|true`): the first kept.
    Alternatives,
    /// No value at all (`"LastAccess": ,`): null.
    MissingValue,
    /// Bare words where a value goes (`"PostedBy": PostedBy,`): null.
    Placeholder,
    /// An enumeration value by its .NET name (`Nexudus.Coworking.Core.Enums.eLanguage.Spanish`,
    /// `DayOfWeek.Monday`): the number the spec gives that name.
    EnumName,
    /// A .NET date expression (`DateTime.Parse("2013-01-01 10:00")`): its string.
    DotNetDate,
    /// `True`, `False` or `Null` capitalised: lower-cased.
    CapitalisedLiteral,
    /// A number written with leading zeros (`00001`): the zeros dropped.
    LeadingZeros,
    /// A date or date-time without quotes (`2019-01-01`, `2013-01-01 11:00`): quoted.
    BareDate,
}

impl Repair {
    /// Every repair, in report order.
    pub const ALL: [Repair; 14] = [
        Repair::TrailingComma,
        Repair::DoubledClose,
        Repair::MissingComma,
        Repair::UnclosedString,
        Repair::Annotation,
        Repair::Ellipsis,
        Repair::Alternatives,
        Repair::MissingValue,
        Repair::Placeholder,
        Repair::EnumName,
        Repair::DotNetDate,
        Repair::CapitalisedLiteral,
        Repair::LeadingZeros,
        Repair::BareDate,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Repair::TrailingComma => "trailing comma",
            Repair::DoubledClose => "doubled closing line",
            Repair::MissingComma => "missing comma",
            Repair::UnclosedString => "unclosed string",
            Repair::Annotation => "annotation",
            Repair::Ellipsis => "ellipsis",
            Repair::Alternatives => "alternatives",
            Repair::MissingValue => "missing value",
            Repair::Placeholder => "placeholder",
            Repair::EnumName => "enum by name",
            Repair::DotNetDate => ".NET date",
            Repair::CapitalisedLiteral => "capitalised literal",
            Repair::LeadingZeros => "leading zeros",
            Repair::BareDate => "bare date",
        }
    }
}

/// An example read as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Strict JSON: the example itself when it parsed as it is.
    pub json: String,
    /// The repairs made; empty when the example parsed as it is.
    pub repairs: BTreeSet<Repair>,
}

/// Why an example cannot be read, even leniently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparseable {
    /// 1-based line and column in the example.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Unparseable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// The number of an enumeration's value by its .NET name (`eLanguage`, `Spanish`), if the
/// spec knows it.
pub type EnumLookup<'a> = &'a dyn Fn(&str, &str) -> Option<i64>;

/// Reads an example: as it is if it is JSON, else with repairs.
pub fn parse(text: &str, enums: EnumLookup<'_>) -> Result<Parsed, Unparseable> {
    if serde_json::from_str::<IgnoredAny>(text).is_ok() {
        return Ok(Parsed {
            json: text.to_owned(),
            repairs: BTreeSet::new(),
        });
    }
    let mut repairs = BTreeSet::new();
    let text = undouble(text, &mut repairs);
    let mut parser = Lenient {
        text: &text,
        pos: 0,
        out: String::with_capacity(text.len()),
        repairs,
        enums,
    };
    parser.value()?;
    parser.skip_space();
    if parser.pos < text.len() {
        return Err(parser.error("text after the example's value"));
    }
    // Strings are copied as the page wrote them: one with a raw tab or a bad escape is not
    // JSON.
    if let Err(e) = serde_json::from_str::<IgnoredAny>(&parser.out) {
        return Err(parser.error(&format!("the repaired text is not JSON ({e})")));
    }
    Ok(Parsed {
        json: parser.out,
        repairs: parser.repairs,
    })
}

/// Blanks a line of closing brackets and a comma (`}],`) that repeats the line before it.
/// JSON never has two such lines in a row: after `}],` comes a value. The line is blanked,
/// not removed, so that line numbers stay those of the page.
fn undouble(text: &str, repairs: &mut BTreeSet<Repair>) -> String {
    let closing = |line: &str| {
        let line = line.trim();
        line.len() > 1
            && line.ends_with(',')
            && line[..line.len() - 1]
                .bytes()
                .all(|b| b == b'}' || b == b']')
    };
    let mut out = Vec::new();
    let mut previous: Option<&str> = None;
    for line in text.split('\n') {
        if closing(line) && previous.is_some_and(|p| p.trim() == line.trim()) {
            repairs.insert(Repair::DoubledClose);
            out.push("");
        } else {
            out.push(line);
        }
        if !line.trim().is_empty() {
            previous = Some(line);
        }
    }
    out.join("\n")
}

struct Lenient<'a> {
    text: &'a str,
    pos: usize,
    out: String,
    repairs: BTreeSet<Repair>,
    enums: EnumLookup<'a>,
}

impl<'a> Lenient<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn error(&self, message: &str) -> Unparseable {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        Unparseable {
            line,
            column,
            message: message.to_owned(),
        }
    }

    /// Skips white space; whether it crossed a line end.
    fn skip_space(&mut self) -> bool {
        let mut newline = false;
        while let Some(b) = self.peek() {
            match b {
                b'\n' => newline = true,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        newline
    }

    /// Skips spaces and tabs on this line.
    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r')) {
            self.pos += 1;
        }
    }

    /// At `...` standing in for entries (not a value: then it is followed by a delimiter)?
    fn at_ellipsis(&self) -> bool {
        let rest = self.rest();
        rest.starts_with("...")
            && rest[3..]
                .bytes()
                .next()
                .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'}' | b']'))
    }

    /// Skips `...` and a comma after it.
    fn skip_ellipsis(&mut self) {
        self.pos += 3;
        self.repairs.insert(Repair::Ellipsis);
        self.skip_space();
        if self.peek() == Some(b',') {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<(), Unparseable> {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => self.string()?,
            Some(_) => self.scalar()?,
            None => return Err(self.error("a value is missing at the end")),
        }
        self.annotation();
        Ok(())
    }

    /// Drops a note in parentheses after a value, on the same line.
    fn annotation(&mut self) {
        let start = self.pos;
        self.skip_blanks();
        if self.peek() == Some(b'(') {
            let line_end = self
                .rest()
                .find('\n')
                .map_or(self.text.len(), |i| self.pos + i);
            if let Some(close) = self.text[self.pos..line_end].rfind(')') {
                self.pos += close + 1;
                self.repairs.insert(Repair::Annotation);
                return;
            }
        }
        self.pos = start;
    }

    /// `{ ... }` or `[ ... ]`, entries read by `entry`, with the repairs of separators.
    fn sequence(
        &mut self,
        open: char,
        close: u8,
        entry: fn(&mut Self) -> Result<(), Unparseable>,
        starts_entry: fn(u8) -> bool,
    ) -> Result<(), Unparseable> {
        self.pos += 1;
        self.out.push(open);
        let (mut entries, mut separated, mut dangling_comma) = (0, true, false);
        loop {
            let newline = self.skip_space();
            match self.peek() {
                None => return Err(self.error(&format!("`{open}` is never closed"))),
                Some(b) if b == close => {
                    if dangling_comma {
                        self.repairs.insert(Repair::TrailingComma);
                    }
                    self.pos += 1;
                    self.out.push(close as char);
                    return Ok(());
                }
                Some(b',') if !separated => {
                    self.pos += 1;
                    separated = true;
                    dangling_comma = true;
                }
                _ if self.at_ellipsis() => {
                    self.skip_ellipsis();
                    separated = true;
                    dangling_comma = false;
                }
                Some(b) if starts_entry(b) => {
                    if !separated {
                        if !newline {
                            return Err(self.error("expected `,` before this"));
                        }
                        self.repairs.insert(Repair::MissingComma);
                    }
                    if entries > 0 {
                        self.out.push(',');
                    }
                    entry(self)?;
                    entries += 1;
                    separated = false;
                    dangling_comma = false;
                }
                Some(_) => {
                    return Err(self.error(if separated {
                        "expected an entry"
                    } else {
                        "expected `,` or a closing bracket"
                    }));
                }
            }
        }
    }

    fn object(&mut self) -> Result<(), Unparseable> {
        self.sequence('{', b'}', Self::member, |b| b == b'"')
    }

    fn member(&mut self) -> Result<(), Unparseable> {
        self.string()?;
        self.skip_space();
        if self.peek() != Some(b':') {
            return Err(self.error("expected `:` after the property name"));
        }
        self.pos += 1;
        self.out.push(':');
        if self.value_is_missing() {
            self.out.push_str("null");
            self.repairs.insert(Repair::MissingValue);
            return Ok(());
        }
        self.value()
    }

    /// Whether the value after a property name is missing: the line ends, and the next one
    /// closes the object or starts the next property.
    fn value_is_missing(&mut self) -> bool {
        self.skip_blanks();
        if !matches!(self.peek(), Some(b'\n') | None) {
            return false;
        }
        let next = self.rest().trim_start();
        match next.as_bytes().first() {
            None | Some(b'}' | b']' | b',') => true,
            Some(b'"') => next[1..]
                .find('"')
                .is_some_and(|end| next[end + 2..].trim_start().starts_with(':')),
            Some(_) => false,
        }
    }

    fn array(&mut self) -> Result<(), Unparseable> {
        self.sequence('[', b']', Self::value, |b| {
            !matches!(b, b',' | b':' | b'}' | b']')
        })
    }

    /// A string. One that reaches the end of its line is closed there, before a comma that
    /// ends the line.
    fn string(&mut self) -> Result<(), Unparseable> {
        let start = self.pos + 1;
        let bytes = self.text.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    self.out.push_str(&self.text[self.pos..=i]);
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\n' => break,
                _ => i += 1,
            }
        }
        let line = self.text[start..i.min(bytes.len())].trim_end();
        let content = line.strip_suffix(',').unwrap_or(line);
        self.repairs.insert(Repair::UnclosedString);
        self.out.push('"');
        self.out.push_str(content);
        self.out.push('"');
        self.pos = start + content.len();
        Ok(())
    }

    /// Anything else where a value goes, up to the end of its line or the next delimiter.
    fn scalar(&mut self) -> Result<(), Unparseable> {
        if let Some(date) = self.rest().strip_prefix("DateTime.Parse(")
            && let Some(end) = date.find(')')
            && date[..end].starts_with('"')
            && date[..end].ends_with('"')
        {
            let literal = &date[..end];
            self.out.push_str(literal);
            self.pos += "DateTime.Parse(".len() + end + 1;
            self.repairs.insert(Repair::DotNetDate);
            return Ok(());
        }
        let start = self.pos;
        let len = self
            .rest()
            .find(['\n', ',', '}', ']', '(', '"'])
            .unwrap_or(self.rest().len());
        let run = self.text[start..start + len].trim();
        let (json, repair) = self.literal(run)?;
        self.out.push_str(&json);
        if let Some(repair) = repair {
            self.repairs.insert(repair);
        }
        self.pos = start + self.text[start..start + len].trim_end().len();
        Ok(())
    }

    /// The JSON for a bare run of text where a value goes, and the repair it took.
    fn literal(&self, run: &str) -> Result<(String, Option<Repair>), Unparseable> {
        if run.is_empty() {
            return Ok(("null".into(), Some(Repair::MissingValue)));
        }
        if is_json_scalar(run) {
            return Ok((run.into(), None));
        }
        let alternatives: Vec<&str> = run
            .split(" or ")
            .flat_map(|part| part.split('|'))
            .map(str::trim)
            .collect();
        if alternatives.len() > 1 && alternatives.iter().all(|a| is_json_scalar(a)) {
            return Ok((alternatives[0].into(), Some(Repair::Alternatives)));
        }
        if ["true", "false", "null"]
            .iter()
            .any(|l| run.eq_ignore_ascii_case(l))
        {
            return Ok((run.to_ascii_lowercase(), Some(Repair::CapitalisedLiteral)));
        }
        if let Some(number) = without_leading_zeros(run) {
            return Ok((number, Some(Repair::LeadingZeros)));
        }
        if is_bare_date(run) {
            return Ok((format!("\"{run}\""), Some(Repair::BareDate)));
        }
        let segments: Vec<&str> = run.split('.').collect();
        if segments.len() >= 2 && segments.iter().all(|s| is_identifier(s)) {
            let (name, value) = (segments[segments.len() - 2], segments[segments.len() - 1]);
            return match (self.enums)(name, value) {
                Some(number) => Ok((number.to_string(), Some(Repair::EnumName))),
                None => Err(self.error(&format!(
                    "`{run}`: the spec has no value `{value}` of an enumeration `{name}`"
                ))),
            };
        }
        if run
            .split_whitespace()
            .all(|word| word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#'))
            && run.bytes().any(|b| b.is_ascii_alphabetic())
        {
            return Ok(("null".into(), Some(Repair::Placeholder)));
        }
        Err(self.error(&format!("`{run}` is not a value")))
    }
}

fn is_json_scalar(text: &str) -> bool {
    matches!(
        serde_json::from_str::<serde_json::Value>(text),
        Ok(serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null)
    )
}

/// `00001` as `1`, `-007.5` as `-7.5`; `None` for anything else.
fn without_leading_zeros(text: &str) -> Option<String> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    if !digits.starts_with('0') || digits.len() < 2 {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    let trimmed = if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_owned()
    };
    let number = format!("{sign}{trimmed}");
    is_json_scalar(&number).then_some(number)
}

/// `2019-01-01`, optionally with a time (`2019-01-01T10:00:00`, `2019-01-01 10:00`).
fn is_bare_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10
            || (matches!(b[10], b'T' | b' ')
                && b[11..]
                    .iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b':' | b'.' | b'Z'))))
}

fn is_identifier(text: &str) -> bool {
    text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
