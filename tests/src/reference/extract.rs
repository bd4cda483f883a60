//! Finding the example blocks of a reference page, and what each one shows.
//!
//! The pages are GitBook markup. An endpoint is a `{% api-method method="get" ...
//! path="/billing/tariffs/:id" %}` ... `{% endapi-method %}` block; its answers are
//! `{% api-method-response-example httpCode=200 %}` sections holding a fenced code block.
//! After the create and update endpoints, a fenced block outside any endpoint shows the
//! request body. The commands section quotes (`> `) a sketch of a command's metadata.

/// What an example block shows, from where it stands on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shows {
    /// A list answer (find, list, by range, by ids): a page envelope of list records.
    Page,
    /// The answer of get one: a full record.
    Record,
    /// The body of a create, shown after the create endpoint.
    CreateBody,
    /// The body of an update, shown after the update endpoint.
    UpdateBody,
    /// The answer of create, update, delete or run command, or a validation failure: the
    /// action envelope.
    Action,
    /// The answer of the commands endpoint: a list of command descriptions.
    Commands,
    /// An answer for a failure that is not a validation failure (`{"Message": ...}`).
    ErrorBody,
    /// A quoted block: a sketch of a shape (the commands section's metadata).
    Sketch,
    /// Any other block: the answer of an endpoint this check does not know.
    Unknown,
}

impl Shows {
    /// Every kind, in report order.
    pub const ALL: [Shows; 9] = [
        Shows::Page,
        Shows::Record,
        Shows::CreateBody,
        Shows::UpdateBody,
        Shows::Action,
        Shows::Commands,
        Shows::ErrorBody,
        Shows::Sketch,
        Shows::Unknown,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Shows::Page => "list page",
            Shows::Record => "record",
            Shows::CreateBody => "create body",
            Shows::UpdateBody => "update body",
            Shows::Action => "action envelope",
            Shows::Commands => "commands",
            Shows::ErrorBody => "error body",
            Shows::Sketch => "sketch",
            Shows::Unknown => "unknown",
        }
    }
}

/// One fenced code block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The 1-based line of its opening fence.
    pub line: usize,
    /// What it shows.
    pub shows: Shows,
    /// The endpoint it belongs to or follows (`get /billing/tariffs/:id`), if any.
    pub endpoint: Option<String>,
    /// The HTTP status of the answer it shows, if it shows one.
    pub status: Option<u16>,
    /// Its text, without the fences and without the quote marks of a quoted block.
    pub text: String,
}

impl Block {
    /// Whether it is a JSON example: an object or an array. Other blocks are plain answers
    /// (`"Not found"`) or prose (`Binary stream or null`).
    pub fn is_example(&self) -> bool {
        matches!(self.text.trim_start().as_bytes().first(), Some(b'{' | b'['))
    }
}

/// The endpoint being read.
struct Endpoint {
    method: String,
    path: String,
}

/// Every fenced code block of a page, in page order.
pub fn blocks(page: &str) -> Vec<Block> {
    let page = page.strip_prefix('\u{feff}').unwrap_or(page);
    let lines: Vec<&str> = page.lines().collect();
    let mut blocks = Vec::new();
    // The endpoint whose block we are in, and the last one seen (bodies follow it).
    let (mut inside, mut last): (bool, Option<Endpoint>) = (false, None);
    let mut status = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(tag) = tag(line, "api-method ") {
            last = Some(Endpoint {
                method: attribute(tag, "method")
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                path: attribute(tag, "path").unwrap_or_default().to_owned(),
            });
            inside = true;
        } else if tag(line, "endapi-method ").is_some() {
            inside = false;
            status = None;
        } else if let Some(tag) = tag(line, "api-method-response-example ") {
            status = tag
                .split_once("httpCode=")
                .and_then(|(_, code)| code.trim_start_matches('"').get(..3))
                .and_then(|code| code.parse().ok());
        } else if tag(line, "endapi-method-response-example ").is_some() {
            status = None;
        }
        let quoted = line.trim_start().starts_with('>');
        let unquote = |line: &'_ str| -> String {
            if quoted {
                let rest = line.trim_start().strip_prefix('>').unwrap_or(line);
                rest.strip_prefix(' ').unwrap_or(rest).to_owned()
            } else {
                line.to_owned()
            }
        };
        if unquote(line).trim_start().starts_with("```") {
            let start = i;
            let mut text = Vec::new();
            i += 1;
            while i < lines.len() && !unquote(lines[i]).trim_start().starts_with("```") {
                text.push(unquote(lines[i]));
                i += 1;
            }
            let endpoint = last.as_ref();
            let shows = if quoted {
                Shows::Sketch
            } else if inside {
                endpoint.map_or(Shows::Unknown, |e| answer(e, status))
            } else {
                endpoint.map_or(Shows::Unknown, body)
            };
            blocks.push(Block {
                line: start + 1,
                shows,
                endpoint: endpoint.map(|e| format!("{} {}", e.method, e.path)),
                status: if inside { status } else { None },
                text: text.join("\n"),
            });
        }
        i += 1;
    }
    blocks
}

/// The inside of a `{% name ... %}` tag on this line, starting at its attributes.
fn tag<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let line = line.trim_start_matches('\u{feff}').trim();
    let rest = line.strip_prefix("{%")?.trim_start();
    let rest = rest.strip_prefix(name.trim_end())?;
    if !(rest.starts_with(' ') || rest.starts_with('%')) {
        return None;
    }
    rest.strip_suffix("%}")
}

/// The value of `name="value"` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The path's segments without its query: `/billing/tariffs/:id` is `billing`, `tariffs`,
/// `:id`.
fn segments(path: &str) -> Vec<&str> {
    let path = path.split('?').next().unwrap_or_default();
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// What an answer of this endpoint with this status shows.
fn answer(endpoint: &Endpoint, status: Option<u16>) -> Shows {
    let segments = segments(&endpoint.path);
    let last = segments.last().copied().unwrap_or_default();
    match (endpoint.method.as_str(), status) {
        (_, Some(400)) => Shows::Action,
        (_, Some(500..=599)) => Shows::ErrorBody,
        (_, Some(status)) if !(200..300).contains(&status) => Shows::Unknown,
        (_, _) if last.eq_ignore_ascii_case("runcommand") => Shows::Action,
        ("get", _) if last.eq_ignore_ascii_case("commands") => Shows::Commands,
        ("get", _) => match segments.len() {
            2 => Shows::Page,
            3 if last == ":id" => Shows::Record,
            _ => Shows::Unknown,
        },
        ("post" | "put" | "delete", _) => Shows::Action,
        _ => Shows::Unknown,
    }
}

/// What a block after this endpoint, outside it, shows.
fn body(endpoint: &Endpoint) -> Shows {
    let last = segments(&endpoint.path).last().copied().unwrap_or_default();
    match endpoint.method.as_str() {
        _ if last.eq_ignore_ascii_case("runcommand") => Shows::Unknown,
        "post" => Shows::CreateBody,
        "put" => Shows::UpdateBody,
        _ => Shows::Unknown,
    }
}
