//! Reading a reference page: GitBook tags (`{% api-method ... %}`), headings and the
//! `"Key": value` lines of examples. Nothing here knows what an entity is.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::entity::Kind;

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        pub(super) static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).expect("a valid pattern"));
    };
}

re!(METHOD_START, r"\{%\s*api-method\s+([^%]*?)\s*%\}");
re!(METHOD_END, r"\{%\s*endapi-method\s*%\}");
// `name="Id"`, `required=true`, `required="true"`: quoted or bare values.
re!(ATTR, r#"([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^\s"%]+))"#);
re!(
    SUMMARY,
    r"(?s)\{%\s*api-method-summary\s*%\}(.*?)\{%\s*endapi-method-summary\s*%\}"
);
re!(
    DESCRIPTION,
    r"(?s)\{%\s*api-method-description\s*%\}(.*?)\{%\s*endapi-method-description\s*%\}"
);
re!(GROUP_START, r"\{%\s*api-method-([a-z]+)-parameters\s*%\}");
re!(
    PARAM,
    r"(?s)\{%\s*api-method-parameter\s+([^%]*?)\s*%\}(.*?)\{%\s*endapi-method-parameter\s*%\}"
);
re!(
    RESPONSE_EXAMPLE,
    r"(?s)\{%\s*api-method-response-example\s+httpCode=(\d+)\s*%\}(.*?)\{%\s*endapi-method-response-example\s*%\}"
);
re!(CODE_FENCE, r"(?s)```[A-Za-z]*[ \t]*\n(.*?)```");
re!(QUERY, r"\?([A-Za-z0-9_]+)=");
// `> 🔒 Requires user role `x-list``, or `Required User Roles: `x-delete`` in a description.
re!(
    ROLE,
    r"(?i)(?:requires?\s+user\s+roles?|required\s+(?:user\s+)?roles?)\s*:?\s*`([^`]+)`"
);
re!(HEADING, r"(?m)^(#{1,6})[ \t]*([^\n]*?)[ \t]*$");
// `##### ServiceRenewalTime:` then `> GET /api/utils/enums?name=eTimeSpanWeekMonth`.
re!(
    ENUM_ENTRY,
    r"(?m)^#####[ \t]*([A-Za-z0-9_]+)[ \t]*:?[ \t]*\n\s*>?[ \t]*GET[ \t]+\S*enums\?name=([A-Za-z0-9_]+)"
);
re!(RELATED, r"(?m)^\s*[*-]\s*\[([A-Za-z0-9]+)\]\(");
re!(
    KEY_VALUE,
    r#"^\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*(.*?)\s*$"#
);
re!(ANNOTATION, r"\(([^()]*)\)\s*,?$");
re!(BY_IDS_QUERY, r"\?([A-Za-z0-9_]+)=\[");
re!(DOWNLOAD_SEGMENT, r"^get[a-z0-9]+$");
// An enumeration value in an example record: `Nexudus.Coworking.Core.Enums.eGender.Male`.
re!(
    ENUM_VALUE,
    r"^(?:[A-Za-z0-9]+\.)*(e[A-Z][A-Za-z0-9]*|DayOfWeek)\.[A-Za-z0-9]+$"
);

/// One parameter tag of a method.
#[derive(Debug, Clone)]
pub(super) struct Param {
    /// `query`, `path`, `body` or `headers`.
    pub group: String,
    pub name: String,
    pub ty: String,
    pub required: Option<bool>,
    /// The `?name=` its text shows, unescaped.
    pub query: Option<String>,
}

/// One `{% api-method %}` block and the text after it up to the next block.
#[derive(Debug)]
pub(super) struct Block {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub params: Vec<Param>,
    /// Code blocks of the 200 response examples.
    pub examples: Vec<String>,
    /// Code blocks after the block (the create and update body examples).
    pub trailing_examples: Vec<String>,
    pub role: Option<String>,
    pub in_binary_section: bool,
    /// Set once the page's list path is known.
    pub kind: Kind,
}

/// A page of the reference, read but not yet interpreted.
pub(super) struct Page {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// Field name → enumeration name, from "Enumerated values".
    pub enums: Vec<(String, String)>,
    /// Entity names under "Related Entities".
    pub related: Vec<String>,
}

impl Page {
    pub fn blocks_of(&self, kind: Kind) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

/// `\_` is GitBook's escape of `_`; the API's names have none.
fn unescape(s: &str) -> String {
    s.replace("\\_", "_").trim().to_string()
}

fn attrs(tag: &str) -> HashMap<String, String> {
    ATTR.captures_iter(tag)
        .map(|c| {
            let value = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), value.to_string())
        })
        .collect()
}

fn start_of(c: &regex::Captures) -> usize {
    c.get(0).map_or(0, |m| m.start())
}

pub(super) fn read_page(raw: &str) -> Page {
    // BOMs and CRLF occur in copies of the pages; nothing below depends on either.
    let text = raw.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let headings: Vec<_> = HEADING.captures_iter(&text).collect();
    let binary_at = headings
        .iter()
        .find(|c| c[1].len() == 2 && c[2].eq_ignore_ascii_case("binary files"))
        .map(start_of);
    let title = headings
        .iter()
        .find(|c| c[1].len() == 1)
        .map(|c| c[2].to_string());
    let related_at = headings
        .iter()
        .find(|c| c[2].eq_ignore_ascii_case("related entities"))
        .map_or(text.len(), start_of);

    let starts: Vec<_> = METHOD_START.captures_iter(&text).collect();
    let mut blocks = Vec::new();
    for (i, start) in starts.iter().enumerate() {
        let whole = start.get(0).expect("a match");
        let next = starts.get(i + 1).map_or(text.len(), start_of);
        let region = &text[whole.end()..next];
        let (body, trailing) = match METHOD_END.find(region) {
            Some(end) => (&region[..end.start()], &region[end.end()..]),
            None => (region, ""),
        };
        // The text after a block runs to the next block or the next `#`/`##` section.
        let trailing = HEADING
            .captures_iter(trailing)
            .find(|c| c[1].len() <= 2)
            .map_or(trailing, |c| &trailing[..start_of(&c)]);
        let a = attrs(&start[1]);
        let description = DESCRIPTION
            .captures(body)
            .and_then(|c| c.get(1))
            .map_or("", |m| m.as_str());
        blocks.push(Block {
            method: a.get("method").map_or("", |m| m).to_ascii_lowercase(),
            path: a.get("path").map(|p| unescape(p)).unwrap_or_default(),
            summary: SUMMARY
                .captures(body)
                .map(|c| c[1].trim().to_string())
                .unwrap_or_default(),
            params: read_params(body),
            examples: RESPONSE_EXAMPLE
                .captures_iter(body)
                .filter(|c| &c[1] == "200")
                .flat_map(|c| code_blocks(&c[2]))
                .collect(),
            trailing_examples: code_blocks(trailing),
            role: ROLE
                .captures(trailing)
                .or_else(|| ROLE.captures(description))
                .map(|c| c[1].trim().to_string()),
            in_binary_section: binary_at.is_some_and(|at| whole.start() > at),
            kind: Kind::Unknown,
        });
    }
    Page {
        title,
        blocks,
        enums: ENUM_ENTRY
            .captures_iter(&text)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect(),
        related: RELATED
            .captures_iter(&text[related_at..])
            .map(|c| c[1].to_string())
            .collect(),
    }
}

fn code_blocks(text: &str) -> Vec<String> {
    CODE_FENCE
        .captures_iter(text)
        .map(|f| f[1].to_string())
        .collect()
}

/// The parameters of every `{% api-method-<group>-parameters %}` section of a block.
fn read_params(body: &str) -> Vec<Param> {
    let mut params = Vec::new();
    for group in GROUP_START.captures_iter(body) {
        let name = group[1].to_string();
        let from = group.get(0).expect("a match").end();
        // The regex crate has no back-references: find this group's own end tag.
        let end_tag = Regex::new(&format!(r"\{{%\s*endapi-method-{name}-parameters\s*%\}}"))
            .expect("group names are [a-z]+");
        let to = end_tag
            .find(&body[from..])
            .map_or(body.len(), |m| from + m.start());
        for p in PARAM.captures_iter(&body[from..to]) {
            let a = attrs(&p[1]);
            params.push(Param {
                group: name.clone(),
                name: unescape(a.get("name").map_or("", String::as_str)),
                ty: a.get("type").cloned().unwrap_or_default(),
                required: a.get("required").map(|r| r.eq_ignore_ascii_case("true")),
                query: QUERY.captures(&unescape(&p[2])).map(|c| c[1].to_string()),
            });
        }
    }
    params
}

/// One `"Key": value` line of an example, however invalid the JSON around it.
#[derive(Debug, Clone)]
pub(super) struct ExampleValue {
    /// The value when it parses as JSON; `None` when elided (`"Key": ,`) or not JSON.
    pub value: Option<Value>,
    /// The text in brackets after the value: `adds to list`, `check Enumerated values ...`.
    pub annotation: Option<String>,
    /// The value as written, e.g. `Nexudus.Coworking.Core.Enums.eVenueType.Hotel`.
    pub raw: String,
}

impl ExampleValue {
    pub fn annotated(&self, what: &str) -> bool {
        self.annotation
            .as_deref()
            .is_some_and(|a| a.to_ascii_lowercase().contains(what))
    }
}

/// The `"Key": value` pairs of an example, in order, first occurrence of each key. The
/// examples are often invalid JSON (trailing commas, a doubled `}],`, elided values), so
/// each line is read alone; serde_json reads the values that are JSON.
pub(super) fn example_pairs(code: &str) -> Vec<(String, ExampleValue)> {
    let mut pairs: Vec<(String, ExampleValue)> = Vec::new();
    for line in code.lines() {
        let Some(c) = KEY_VALUE.captures(line.trim_start_matches('>')) else {
            continue;
        };
        let key = c[1].to_string();
        let mut rest = c[2].to_string();
        let mut annotation = None;
        if let Some(a) = ANNOTATION.captures(&rest) {
            annotation = Some(a[1].trim().to_string());
            rest.truncate(start_of(&a));
        }
        let rest = rest.trim().trim_end_matches(',').trim();
        if rest.ends_with('{') || rest.ends_with('[') {
            continue; // an envelope key opening nested records
        }
        if !pairs.iter().any(|(k, _)| *k == key) {
            let value = serde_json::from_str::<Value>(rest).ok();
            let raw = rest.to_string();
            pairs.push((
                key,
                ExampleValue {
                    value,
                    annotation,
                    raw,
                },
            ));
        }
    }
    pairs
}
