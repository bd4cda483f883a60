//! What `spec/service.yaml` says every entity shares: the base URL, the token and current-user
//! paths, paging, range filter naming, throttling and its rate limits, and the envelopes' wire
//! names. They reach the crate as values of `SERVICE` (and `service::CURRENT_USER`), so a
//! changed value changes what the client sends or reads, not what compiles; only the
//! current-user endpoint is an item (`Api::current_user`) that can go.

use codegen::model::{Api, Service};

use super::{Changes, Kind, Section, was_is};

/// The owner of every service change, in the changelog.
const OWNER: &str = "service.yaml";

pub fn compare(old: &Api, new: &Api, changes: &mut Changes) {
    let (o, n) = (&old.service, &new.service);
    for (subject, before, after) in
        facts(o)
            .into_iter()
            .zip(facts(n))
            .filter_map(|((subject, before), (_, after))| {
                (before != after).then_some((subject, before, after))
            })
    {
        changes.push(
            Section::Service,
            OWNER,
            subject,
            Kind::Changed,
            was_is("value", show(&before), show(&after)),
            Vec::new(),
        );
    }
    let path = |s: &Service| s.auth.current_user.as_ref().map(|(path, _)| path.clone());
    match (path(o), path(n)) {
        (None, Some(path)) => changes.push(
            Section::Service,
            OWNER,
            "current user",
            Kind::Added,
            format!("added (`GET {path}`, `Api::current_user`)"),
            Vec::new(),
        ),
        (Some(path), None) => changes.push(
            Section::Service,
            OWNER,
            "current user",
            Kind::Removed,
            format!("removed (`GET {path}`)"),
            vec!["`Api::current_user` and `service::CURRENT_USER` are gone".to_owned()],
        ),
        (Some(before), Some(after)) if before != after => changes.push(
            Section::Service,
            OWNER,
            "current user",
            Kind::Changed,
            was_is("path", format!("`{before}`"), format!("`{after}`")),
            Vec::new(),
        ),
        _ => {}
    }
}

/// `(what, value)` of every fact a service change can touch, in a fixed order so two
/// services' lists line up.
fn facts(s: &Service) -> Vec<(&'static str, String)> {
    let p = &s.paging;
    let mut facts = vec![
        ("base URL", s.base_url.clone()),
        ("token path", s.auth.token_path.clone()),
        ("page parameter", p.page.query.clone()),
        ("first page", p.default_page.to_string()),
        ("page size parameter", p.size.query.clone()),
        ("default page size", p.default_size.to_string()),
        ("largest page size", p.max_size.to_string()),
        ("order parameter", p.order_by.query.clone()),
        ("direction parameter", p.direction.query.clone()),
        ("ascending", p.ascending.clone()),
        ("descending", p.descending.clone()),
        (
            "range prefixes",
            format!("{} / {}", s.range.from_prefix, s.range.to_prefix),
        ),
        ("filter date-time format", s.range.datetime_format.clone()),
        ("throttle statuses", format!("{:?}", s.throttling.statuses)),
        ("throttle message", s.throttling.message.clone()),
        ("rate limits", limits(s)),
        (
            "validation status",
            s.envelopes.validation_status.to_string(),
        ),
    ];
    let e = &s.envelopes;
    let wires = |slots: Vec<(&'static str, &codegen::model::Slot)>| {
        slots
            .into_iter()
            .map(|(slot, s)| format!("{slot}={}", s.wire))
            .collect::<Vec<_>>()
            .join(", ")
    };
    facts.extend([
        ("action envelope", wires(e.action.slots())),
        (
            "validation error envelope",
            wires(e.validation_error.slots()),
        ),
        ("page envelope", wires(e.page.slots())),
        ("command envelope", wires(e.command.slots())),
        (
            "command parameter envelope",
            wires(e.command_parameter.slots()),
        ),
        ("run-command body", wires(e.run_command.slots())),
    ]);
    facts
}

/// The rate limits as the spec writes them: `1 per 100 ms, 60 writes per 60000 ms`.
fn limits(s: &Service) -> String {
    s.throttling
        .limits
        .iter()
        .map(|l| {
            format!(
                "{} {}per {} ms",
                l.count,
                if l.writes_only { "writes " } else { "" },
                l.window_ms
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value in backticks, or "none".
fn show(value: &str) -> String {
    if value.is_empty() {
        "none".to_owned()
    } else {
        format!("`{value}`")
    }
}
