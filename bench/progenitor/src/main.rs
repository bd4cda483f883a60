//! Runs Oxide's progenitor on the project's OpenAPI 3.1 document and writes the client crate
//! it generates, for the comparison in docs/performance.md (see README.md beside this file).
//!
//! 1. Converts what progenitor's reader (the `openapiv3` crate, OpenAPI 3.0) cannot read, and
//!    records each conversion (`convert`).
//! 2. Times generation as a progenitor user pays it: JSON parse into `openapiv3::OpenAPI`,
//!    `Generator::generate_tokens`, `syn` parse and `prettyplease`, and the write of lib.rs;
//!    the fastest of `--repeat` runs.
//! 3. When progenitor rejects the document, finds the operations it rejects by halving the
//!    set of operations, reports them and generates without them.
//! 4. Writes the crate: `lib.rs` and a `Cargo.toml` with what the generated code uses.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use progenitor::{GenerationSettings, Generator, InterfaceStyle};
use serde_json::{Map, Value};

/// The client crate's package name (`cargo clean -p` takes it).
const CRATE_NAME: &str = "nexudus-progenitor";

struct Options {
    openapi: PathBuf,
    out: PathBuf,
    interface: Interface,
    repeat: usize,
    /// Only the 3.0 conversions, not those for progenitor's own limits.
    strict: bool,
}

#[derive(Clone, Copy)]
enum Interface {
    Positional,
    Builder,
}

impl Interface {
    fn name(self) -> &'static str {
        match self {
            Interface::Positional => "positional",
            Interface::Builder => "builder",
        }
    }

    fn settings(self) -> GenerationSettings {
        let mut settings = GenerationSettings::new();
        settings.with_interface(match self {
            Interface::Positional => InterfaceStyle::Positional,
            Interface::Builder => InterfaceStyle::Builder,
        });
        settings
    }
}

const USAGE: &str = "usage: progenitor-bench --openapi FILE --out DIR [--interface positional|builder] [--repeat N] [--strict]";

fn parse_args() -> Result<Options, String> {
    let mut openapi = None;
    let mut out = None;
    let mut interface = Interface::Positional;
    let mut repeat = 3;
    let mut strict = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--openapi" => openapi = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--interface" => {
                interface = match value()?.as_str() {
                    "positional" => Interface::Positional,
                    "builder" => Interface::Builder,
                    other => return Err(format!("unknown interface {other}\n{USAGE}")),
                }
            }
            "--repeat" => {
                repeat = value()?
                    .parse()
                    .map_err(|e| format!("--repeat: {e}\n{USAGE}"))?
            }
            "--strict" => strict = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(Options {
        openapi: openapi.ok_or(USAGE)?,
        out: out.ok_or(USAGE)?,
        interface,
        repeat: repeat.max(1),
        strict,
    })
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let text = fs::read_to_string(&options.openapi)
        .map_err(|e| format!("{}: {e}", options.openapi.display()))?;
    let mut doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", options.openapi.display()))?;
    let operations_in = operations(&doc).len();
    let schemas_in = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    println!(
        "# progenitor {} ({} style) on {}: {operations_in} operations, {schemas_in} schemas",
        progenitor_version(),
        options.interface.name(),
        options.openapi.display()
    );

    // 1. Conversion from 3.1 to what openapiv3 reads.
    let start = Instant::now();
    let mut log = Conversions::default();
    convert(&mut doc, "", &mut log);
    let convert_time = start.elapsed();
    println!(
        "\n## Conversions to OpenAPI 3.0 ({:.1} ms)\n",
        ms(convert_time)
    );
    if log.0.is_empty() {
        println!("none");
    }
    for (what, (count, example)) in &log.0 {
        println!("- {what}: {count} (e.g. `{example}`)");
    }
    check_examples_left(&doc);
    if options.strict {
        println!("\n(--strict: no conversion for progenitor's own limits)");
    } else {
        let mut limits = Conversions::default();
        adapt_for_progenitor(&mut doc, &mut limits);
        println!("\n## Conversions for progenitor's limits (not OpenAPI's)\n");
        if limits.0.is_empty() {
            println!("none");
        }
        for (what, (count, example)) in &limits.0 {
            println!("- {what}: {count} (e.g. `{example}`)");
        }
    }

    // 2. Which operations progenitor rejects, if any.
    let settings = options.interface.settings();
    let converted = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    let first = generate(&converted, &settings);
    let mut rejected = Vec::new();
    let input = match first {
        Ok(_) => converted,
        Err(whole) => {
            println!("\n## progenitor rejects the whole document: {whole}\n");
            println!("Each operation alone, with the components it references:\n");
            rejected = find_rejected(&doc, &settings);
            for (op, error) in &rejected {
                println!("- {} {} ({}): {error}", op.method, op.path, op.id);
            }
            let drop: Vec<Operation> = rejected.iter().map(|r| r.0.clone()).collect();
            let kept = serde_json::to_string(&remove_operations(&doc, &drop))
                .map_err(|e| e.to_string())?;
            if let Err(e) = generate(&kept, &settings) {
                return Err(format!(
                    "progenitor still rejects the document without those operations: {e}"
                ));
            }
            kept
        }
    };
    println!(
        "\n## Not read by progenitor: {} of {operations_in} operations rejected{}",
        rejected.len(),
        if rejected.is_empty() {
            String::new()
        } else {
            " (listed above; generated without them)".to_owned()
        }
    );

    // 3. Timed generation, fastest of `repeat`.
    let krate = &options.out;
    fs::create_dir_all(krate.join("src")).map_err(|e| format!("{}: {e}", krate.display()))?;
    let lib = krate.join("src/lib.rs");
    let mut best: Option<Phases> = None;
    let mut runs = Vec::new();
    let mut source = String::new();
    for _ in 0..options.repeat {
        let (phases, text) = timed_generation(&input, &settings, &lib)?;
        runs.push(phases.total);
        if best.as_ref().is_none_or(|b| phases.total < b.total) {
            best = Some(phases);
        }
        source = text;
    }
    let best = best.ok_or("no run")?;
    let lines = source.lines().count();
    println!(
        "\n## Generation, fastest of {} runs (all: {})\n",
        options.repeat,
        runs.iter()
            .map(|d| format!("{:.0} ms", ms(*d)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("| JSON parse | tokens | syn parse | prettyplease | write | total | lines |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {lines} |",
        ms(best.parse),
        ms(best.tokens),
        ms(best.syn),
        ms(best.print),
        ms(best.write),
        ms(best.total)
    );

    // 4. The crate's manifest.
    fs::write(krate.join("Cargo.toml"), manifest(&source))
        .map_err(|e| format!("{}: {e}", krate.display()))?;
    fs::write(krate.join("openapi-3.0.json"), &input)
        .map_err(|e| format!("{}: {e}", krate.display()))?;
    println!(
        "\nwrote {} ({lines} lines of src/lib.rs; the converted document is openapi-3.0.json)",
        krate.display()
    );
    // One machine-readable line for run.sh.
    println!(
        "RESULT generation_s={:.3} lines={lines} rejected={} operations={operations_in}",
        best.total.as_secs_f64(),
        rejected.len()
    );
    Ok(())
}

fn progenitor_version() -> &'static str {
    // The manifest pins it; keep the two in step.
    "0.15.1"
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------
// Conversion

/// Each kind of conversion, how many times it was applied and the JSON pointer of the first.
#[derive(Default)]
struct Conversions(BTreeMap<&'static str, (usize, String)>);

impl Conversions {
    fn record(&mut self, what: &'static str, at: &str) {
        let entry = self.0.entry(what).or_insert_with(|| (0, at.to_owned()));
        entry.0 += 1;
    }
}

/// What progenitor reads is OpenAPI 3.0: converts, in place, every 3.1 construct that
/// `openapiv3` cannot parse or that means something else in 3.0. Anything 3.0 also accepts
/// is left alone.
fn convert(value: &mut Value, at: &str, log: &mut Conversions) {
    match value {
        Value::Object(map) => {
            if at.is_empty()
                && let Some(Value::String(version)) = map.get_mut("openapi")
                && version.starts_with("3.1")
            {
                *version = "3.0.3".to_owned();
                log.record("`openapi: 3.1.x` → `3.0.3`", "/openapi");
            }
            convert_schema_keywords(map, at, log);
            for (key, child) in map.iter_mut() {
                let child_at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                convert(child, &child_at, log);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                convert(child, &format!("{at}/{i}"), log);
            }
        }
        _ => {}
    }
}

const SCHEMA_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "array", "object", "null",
];

fn is_null_schema(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.get("type") == Some(&Value::String("null".into()))
            && m.keys().all(|k| k == "type" || k == "description")
    })
}

fn convert_schema_keywords(map: &mut Map<String, Value>, at: &str, log: &mut Conversions) {
    // `type: [T, "null"]` → `type: T, nullable: true`.
    if let Some(Value::Array(types)) = map.get("type") {
        let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
        if names.len() == types.len() && names.iter().all(|t| SCHEMA_TYPES.contains(t)) {
            let nullable = names.contains(&"null");
            let others: Vec<String> = names
                .iter()
                .filter(|t| **t != "null")
                .map(|t| (*t).to_owned())
                .collect();
            match others.as_slice() {
                [one] => {
                    map.insert("type".into(), Value::String(one.clone()));
                    if nullable {
                        map.insert("nullable".into(), Value::Bool(true));
                        log.record("`type: [T, \"null\"]` → `type: T, nullable: true`", at);
                    } else {
                        log.record("`type: [T]` → `type: T`", at);
                    }
                }
                [] => {
                    map.remove("type");
                    map.insert("nullable".into(), Value::Bool(true));
                    map.insert("enum".into(), Value::Array(vec![Value::Null]));
                    log.record("`type: [\"null\"]` → `enum: [null], nullable: true`", at);
                }
                _ => {
                    map.remove("type");
                    if nullable {
                        map.insert("nullable".into(), Value::Bool(true));
                    }
                    log.record("`type: [T, U, ...]` → no type (any value)", at);
                }
            }
        }
    }
    // `type: "null"` alone: 3.0 has no null type; the one value it allows is null.
    if map.get("type") == Some(&Value::String("null".into())) {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
        map.insert("enum".into(), Value::Array(vec![Value::Null]));
        log.record("`type: \"null\"` → `enum: [null], nullable: true`", at);
    }
    // `oneOf`/`anyOf` `[X, {type: null}]` → X made nullable.
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = map.get(key) else {
            continue;
        };
        if members.len() < 2 || !members.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = members
            .iter()
            .filter(|m| !is_null_schema(m))
            .cloned()
            .collect();
        map.remove(key);
        map.insert("nullable".into(), Value::Bool(true));
        if let [only] = rest.as_slice() {
            // 3.0 ignores `nullable` beside `$ref`: wrap the reference in `allOf`.
            map.insert("allOf".into(), Value::Array(vec![only.clone()]));
            log.record(
                "`oneOf/anyOf: [X, {type: null}]` → `allOf: [X], nullable: true`",
                at,
            );
        } else {
            map.insert(key.into(), Value::Array(rest));
            log.record(
                "`oneOf/anyOf: [..., {type: null}]` → without it, nullable: true",
                at,
            );
        }
    }
    // `const: v` → `enum: [v]`.
    if let Some(constant) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![constant]));
        log.record("`const: v` → `enum: [v]`", at);
    }
    // 3.1's numeric `exclusiveMinimum`/`exclusiveMaximum` → 3.0's bound + boolean.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
            log.record(
                "numeric `exclusiveMinimum/Maximum: n` → `minimum/maximum: n` + `true`",
                at,
            );
        }
    }
    // A schema's `examples` array parses (openapiv3 drops unknown keys), but 3.0's key is
    // `example`: keep the first, so the information progenitor could use stays.
    if let Some(Value::Array(examples)) = map.get("examples")
        && examples.iter().all(|e| !e.is_object())
        && map.contains_key("type")
    {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
        log.record("schema `examples: [..]` → `example: <first>`", at);
    }
}

/// Progenitor (0.15) takes one kind of body per operation among its success responses and
/// one among its error responses (JSON-typed, other content, or none: it asserts
/// `response_types.len() <= 1`), and types a response by its `application/json` content when
/// it has one. Converts the two places where the document differs:
///
/// - a download's 200 is the file (`application/octet-stream`) or JSON `null` when there is
///   none: only the file stays, else progenitor would decode the file as JSON `null`;
/// - error responses of one operation mix a JSON body (400 `ActionResponse` validation
///   failures, the token's 400 `TokenError`) with bodiless ones (401, 403, 404, 409, 429):
///   the bodies are dropped (the response inlined without `content`), so progenitor reports
///   every error without a typed body.
fn adapt_for_progenitor(doc: &mut Value, log: &mut Conversions) {
    let responses = doc
        .pointer("/components/responses")
        .cloned()
        .unwrap_or(Value::Null);
    let resolve = |r: &Value| -> Value {
        match r.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| responses.get(name))
                .cloned()
                .unwrap_or(Value::Null),
            None => r.clone(),
        }
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(codes) = item
                .get_mut(*method)
                .and_then(|op| op.get_mut("responses"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let at = format!(
                "/paths/{}/{method}/responses",
                path.replace('~', "~0").replace('/', "~1")
            );
            // Downloads: JSON null beside the file.
            for (code, response) in codes.iter_mut() {
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut)
                else {
                    continue;
                };
                if content.len() > 1
                    && content.contains_key("application/octet-stream")
                    && let Some(json) = content.get("application/json")
                    && json.pointer("/schema/enum") == Some(&serde_json::json!([null]))
                {
                    content.remove("application/json");
                    log.record(
                                "download 200: JSON `null` | `application/octet-stream` → the octet-stream only",
                                &format!("{at}/{code}"),
                            );
                }
            }
            // Errors: a JSON body beside bodiless ones.
            let is_error = |code: &str| code.starts_with('4') || code.starts_with('5');
            let kinds: Vec<bool> = codes
                .iter()
                .filter(|(code, _)| is_error(code))
                .map(|(_, r)| resolve(r).get("content").is_some())
                .collect();
            if kinds.contains(&true) && kinds.contains(&false) {
                for (code, response) in codes.iter_mut() {
                    if !is_error(code) {
                        continue;
                    }
                    let mut inline = resolve(response);
                    if let Some(map) = inline.as_object_mut()
                        && map.remove("content").is_some()
                    {
                        *response = inline;
                        log.record(
                                "error response with a JSON body among bodiless ones → inlined without its body",
                                &format!("{at}/{code}"),
                            );
                    }
                }
            }
        }
    }
}

/// `examples` maps (of Example objects) on media types and parameters are 3.0 too; an array
/// left anywhere else would be a schema the conversion missed.
fn check_examples_left(doc: &Value) {
    fn walk(v: &Value, at: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    if k == "examples" && c.is_array() {
                        found.push(format!("{at}/{k}"));
                    }
                    walk(c, &format!("{at}/{k}"), found);
                }
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, at, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(doc, "", &mut found);
    if !found.is_empty() {
        println!(
            "- warning: {} `examples` arrays left, e.g. {}",
            found.len(),
            found[0]
        );
    }
}

// ---------------------------------------------------------------------------------------
// Operations and rejection

#[derive(Clone, PartialEq)]
struct Operation {
    path: String,
    method: String,
    id: String,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(*method) {
                    out.push(Operation {
                        path: path.clone(),
                        method: (*method).to_owned(),
                        id: op
                            .get("operationId")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                    });
                }
            }
        }
    }
    out
}

/// The document without the operations `drop` (and without path items left empty).
fn remove_operations(doc: &Value, drop: &[Operation]) -> Value {
    let mut doc = doc.clone();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for op in drop {
            if let Some(item) = paths.get_mut(&op.path).and_then(Value::as_object_mut) {
                item.remove(&op.method);
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|m| METHODS.iter().any(|meth| m.contains_key(*meth)))
        });
    }
    doc
}

/// The document with one operation and only the components it reaches through `$ref`, so
/// that progenitor's verdict is on that operation alone (and quick).
fn alone(doc: &Value, op: &Operation) -> Value {
    let mut out = doc.clone();
    let item = doc
        .pointer(&format!(
            "/paths/{}",
            op.path.replace('~', "~0").replace('/', "~1")
        ))
        .cloned()
        .unwrap_or(Value::Null);
    let mut only = Map::new();
    if let Some(item) = item.as_object() {
        for (key, value) in item {
            // Path-level parameters and the like stay; other operations go.
            if key == &op.method || !METHODS.contains(&key.as_str()) {
                only.insert(key.clone(), value.clone());
            }
        }
    }
    let mut paths = Map::new();
    paths.insert(op.path.clone(), Value::Object(only.clone()));
    out["paths"] = Value::Object(paths);
    // The closure of `#/components/...` references from the operation.
    let mut reached: Vec<String> = Vec::new();
    let mut queue = Vec::new();
    refs(&Value::Object(only), &mut queue);
    while let Some(reference) = queue.pop() {
        if reached.contains(&reference) {
            continue;
        }
        if let Some(target) = reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            refs(target, &mut queue);
        }
        reached.push(reference);
    }
    if let Some(components) = out.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            if kind == "securitySchemes" {
                continue;
            }
            if let Some(entries) = entries.as_object_mut() {
                entries.retain(|name, _| {
                    reached.contains(&format!(
                        "#/components/{kind}/{}",
                        name.replace('~', "~0").replace('/', "~1")
                    ))
                });
            }
        }
    }
    out
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The operations progenitor rejects, each tried alone with the components it reaches.
fn find_rejected(doc: &Value, settings: &GenerationSettings) -> Vec<(Operation, String)> {
    let mut rejected = Vec::new();
    for op in operations(doc) {
        let text = match serde_json::to_string(&alone(doc, &op)) {
            Ok(t) => t,
            Err(e) => {
                rejected.push((op, e.to_string()));
                continue;
            }
        };
        if let Err(error) = generate(&text, settings) {
            rejected.push((op, error));
        }
    }
    rejected
}

// ---------------------------------------------------------------------------------------
// Generation

/// Parse + generate tokens, untimed; a panic inside progenitor counts as a rejection.
fn generate(text: &str, settings: &GenerationSettings) -> Result<proc_macro2::TokenStream, String> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(text).map_err(|e| format!("openapiv3 cannot parse it: {e}"))?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        Generator::new(settings).generate_tokens(&spec)
    }));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!(
            "progenitor panicked: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
    }
}

struct Phases {
    parse: Duration,
    tokens: Duration,
    syn: Duration,
    print: Duration,
    write: Duration,
    total: Duration,
}

/// What a progenitor user pays: parse the document, generate, format, write.
fn timed_generation(
    text: &str,
    settings: &GenerationSettings,
    lib: &Path,
) -> Result<(Phases, String), String> {
    let start = Instant::now();
    let spec: openapiv3::OpenAPI = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let parse = start.elapsed();
    let t = Instant::now();
    let tokens = Generator::new(settings)
        .generate_tokens(&spec)
        .map_err(|e| e.to_string())?;
    let tokens_time = t.elapsed();
    let t = Instant::now();
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("syn: {e}"))?;
    let syn_time = t.elapsed();
    let t = Instant::now();
    let mut source = String::from(
        "// Generated by progenitor (bench/progenitor) from the project's OpenAPI document.\n",
    );
    source.push_str(&prettyplease::unparse(&file));
    let print = t.elapsed();
    let t = Instant::now();
    fs::write(lib, &source).map_err(|e| format!("{}: {e}", lib.display()))?;
    let write = t.elapsed();
    let total = start.elapsed();
    Ok((
        Phases {
            parse,
            tokens: tokens_time,
            syn: syn_time,
            print,
            write,
            total,
        },
        source,
    ))
}

/// The crate's manifest: the dependencies progenitor's README lists, those the code uses.
fn manifest(source: &str) -> String {
    let mut m = format!(
        "[package]\nname = \"{CRATE_NAME}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         # Its own workspace: built standalone, outside the project's.\n[workspace]\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n[dependencies]\n"
    );
    m.push_str("progenitor-client = \"=0.15.1\"\n");
    m.push_str(
        "reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\", \"json\", \"query\", \"stream\"] }\n",
    );
    m.push_str("serde = { version = \"1\", features = [\"derive\"] }\n");
    m.push_str("serde_json = \"1\"\n");
    m.push_str("futures = \"0.3\"\n");
    let uses = |needle: &str| source.contains(needle);
    if uses("chrono::") {
        m.push_str(
            "chrono = { version = \"0.4\", default-features = false, features = [\"std\", \"clock\", \"serde\"] }\n",
        );
    }
    if uses("uuid::") {
        m.push_str("uuid = { version = \"1\", features = [\"serde\", \"v4\"] }\n");
    }
    if uses("regress::") {
        m.push_str("regress = \"0.12\"\n");
    }
    let _ = writeln!(m);
    m
}
