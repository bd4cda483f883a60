//! `service.yaml`: documents, auth, paging, range filter naming, envelopes, throttling.

use std::collections::{BTreeMap, BTreeSet};

use marked_yaml::Spanned;

use super::{DocumentKind, Resolver, line_of};
use crate::model::{
    Auth, Document, Envelopes, Location, Paging, Param, RangeNaming, RateLimit, Service, Slot,
    Throttling,
};
use crate::spec::raw::{self, LimitedRequests};

/// Statuses the runtime can read as a validation failure and nothing else.
const VALIDATION_STATUSES: &[u16] = &[400, 422];

/// The documents' date-time tokens and chrono's, longest first. Only these and the
/// separators below may appear: anything else could make chrono's formatter fail (`%`).
const DATETIME_TOKENS: &[(&str, &str)] = &[
    ("YYYY", "%Y"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("HH", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
];
const DATETIME_SEPARATORS: &str = "-:T ./";

impl Resolver<'_> {
    pub(super) fn service(&mut self, s: &raw::Service) -> Option<Service> {
        let documents = self.documents_of(&s.documents);
        if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://")) {
            self.error(
                s.base_url.span(),
                format!("base_url `{}` is not an http(s) URL", s.base_url.as_str()),
                None,
            );
        }
        let docs = self.docs(&s.docs, "the service");
        let auth = self.auth(&s.auth);
        let paging = self.paging(&s.paging);
        let range = self.range_naming(&s.range_filters);
        let envelopes = self.envelopes(&s.envelopes);
        let throttling = self.throttling(&s.throttling);
        Some(Service {
            name: s.name.to_string(),
            docs,
            base_url: s.base_url.to_string(),
            documents,
            auth,
            paging: paging?,
            range: range?,
            envelopes,
            throttling,
        })
    }

    fn documents_of(&mut self, documents: &[raw::Document]) -> Vec<Document> {
        let mut out = Vec::new();
        for d in documents {
            let location = match (&d.file, &d.repo, &d.url) {
                (Some(file), None, None) => {
                    if d.commit.is_some() || d.folder.is_some() {
                        self.error(
                            d.name.span(),
                            "`commit` and `folder` go with `repo:`, not `file:`",
                            None,
                        );
                    }
                    Some((Location::File(file.to_string()), DocumentKind::File))
                }
                (None, Some(repo), None) => self.repo_location(d, repo),
                (None, None, Some(url)) => {
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        self.error(
                            url.span(),
                            format!("`{}` is not an http(s) URL", url.as_str()),
                            None,
                        );
                    }
                    Some((Location::Url(url.to_string()), DocumentKind::Pages))
                }
                _ => {
                    self.error(
                        d.name.span(),
                        format!(
                            "document `{}` needs exactly one of `file`, `repo` and `url`",
                            d.name.as_str()
                        ),
                        None,
                    );
                    // Known by name all the same, so its sources are not reported too.
                    self.documents
                        .insert(d.name.to_string(), DocumentKind::Pages);
                    None
                }
            };
            if d.name.is_empty() || d.name.contains(':') || d.name.contains(char::is_whitespace) {
                self.error(
                    d.name.span(),
                    format!(
                        "document name `{}` must be non-empty, without `:` or spaces",
                        d.name.as_str()
                    ),
                    None,
                );
            }
            let Some((location, kind)) = location else {
                continue;
            };
            if self.documents.insert(d.name.to_string(), kind).is_some() {
                self.error(
                    d.name.span(),
                    format!("document `{}` is listed twice", d.name.as_str()),
                    None,
                );
                continue;
            }
            out.push(Document {
                name: d.name.to_string(),
                title: d.title.to_string(),
                location,
            });
        }
        out
    }

    fn repo_location(
        &mut self,
        d: &raw::Document,
        repo: &Spanned<String>,
    ) -> Option<(Location, DocumentKind)> {
        let parts: Vec<&str> = repo.split('/').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
            self.error(
                repo.span(),
                format!("repo `{}` is not `owner/name`", repo.as_str()),
                None,
            );
        }
        let commit = match &d.commit {
            Some(c) if c.len() == 40 && c.chars().all(|ch| ch.is_ascii_hexdigit()) => c.to_string(),
            Some(c) => {
                self.error(
                    c.span(),
                    "a repository document's `commit` is the full 40-digit hash",
                    None,
                );
                return None;
            }
            None => {
                self.error(
                    d.name.span(),
                    format!(
                        "document `{}` needs the `commit` its pages were read at",
                        d.name.as_str()
                    ),
                    None,
                );
                return None;
            }
        };
        Some((
            Location::Repo {
                repo: repo.to_string(),
                commit,
                folder: d.folder.as_ref().map(|f| f.to_string()).unwrap_or_default(),
            },
            DocumentKind::Pages,
        ))
    }

    fn auth(&mut self, a: &raw::Auth) -> Auth {
        let bearer_docs = self.docs(&a.bearer.docs, "the bearer scheme");
        self.sources(&a.bearer.sources);
        let basic_docs = self.docs(&a.basic.docs, "the basic scheme");
        self.sources(&a.basic.sources);
        let password_grant_docs = self.docs(&a.password_grant.docs, "the password grant");
        self.sources(&a.password_grant.sources);
        if !a.password_grant.path.starts_with("/api/") {
            self.error(
                a.password_grant.path.span(),
                "the token path must start with `/api/`",
                None,
            );
        }
        let current_user = a.current_user.as_ref().map(|c| {
            self.sources(&c.sources);
            let docs = self.docs(&c.docs, "the current user endpoint");
            let path_ok = c.path.starts_with('/')
                && !c.path.contains(['?', '#', '%', ' ', '{', '}'])
                && c.path.as_str() != a.password_grant.path.as_str();
            if !path_ok {
                self.error(
                    c.path.span(),
                    "the current user path must be an absolute path without a query, placeholder or spaces, other than the token path",
                    None,
                );
            }
            (c.path.to_string(), docs)
        });
        Auth {
            bearer_docs,
            basic_docs,
            token_path: a.password_grant.path.to_string(),
            password_grant_docs,
            current_user,
        }
    }

    fn param(&mut self, p: &raw::QueryParam, what: &str, seen: &mut BTreeSet<String>) -> Param {
        self.query_name(&p.query, seen);
        self.sources(&p.sources);
        Param {
            query: p.query.to_string(),
            docs: self.docs(&p.docs, what),
            decision: p.decision.as_ref().map(|d| d.to_string()),
        }
    }

    fn paging(&mut self, p: &raw::Paging) -> Option<Paging> {
        let mut seen = BTreeSet::new();
        let page = self.param(&p.page, "page", &mut seen);
        let size = self.param(&p.size, "size", &mut seen);
        let order_by = self.param(&p.order_by, "order_by", &mut seen);
        let dir = &p.direction;
        self.query_name(&dir.query, &mut seen);
        self.sources(&dir.sources);
        let direction = Param {
            query: dir.query.to_string(),
            docs: self.docs(&dir.docs, "direction"),
            decision: dir.decision.as_ref().map(|d| d.to_string()),
        };
        if dir.ascending.as_str() == dir.descending.as_str() {
            self.error(
                dir.descending.span(),
                "ascending and descending must differ",
                None,
            );
        }
        for value in [&dir.ascending, &dir.descending] {
            if value.is_empty() || value.contains(['&', '#', ' ']) {
                self.error(
                    value.span(),
                    "a sort direction value must be non-empty, without `&`, `#` or spaces",
                    None,
                );
            }
        }
        let default_page = p.page.default.as_deref().copied().unwrap_or(1);
        if let Some(default) = &p.page.default
            && **default == 0
        {
            self.error(default.span(), "pages are numbered from 1", None);
        }
        let max_size = p.size.max.as_deref().copied().unwrap_or(u32::MAX);
        if let Some(max) = &p.size.max
            && **max == 0
        {
            self.error(max.span(), "the largest page size must be at least 1", None);
        }
        let default_size = p.size.default.as_deref().copied().unwrap_or(25);
        if let Some(default) = &p.size.default
            && (default_size == 0 || default_size > max_size)
        {
            self.error(
                default.span(),
                format!("default page size {default_size} is not within 1..={max_size}"),
                None,
            );
        }
        Some(Paging {
            page,
            default_page,
            size,
            default_size,
            max_size,
            order_by,
            direction,
            ascending: dir.ascending.to_string(),
            descending: dir.descending.to_string(),
        })
    }

    fn range_naming(&mut self, rf: &raw::RangeFilterNaming) -> Option<RangeNaming> {
        self.sources(&rf.sources);
        for prefix in [&rf.from_prefix, &rf.to_prefix] {
            if prefix.is_empty() {
                self.error(prefix.span(), "a range filter prefix cannot be empty", None);
            }
        }
        if rf.from_prefix.as_str() == rf.to_prefix.as_str() {
            self.error(
                rf.to_prefix.span(),
                "the from and to prefixes must differ",
                None,
            );
        }
        let chrono_format = match chrono_format(&rf.datetime_format) {
            Ok(format) => format,
            Err(why) => {
                self.error(
                    rf.datetime_format.span(),
                    format!("datetime_format `{}` {why}", rf.datetime_format.as_str()),
                    Some(format!(
                        "use YYYY, MM, DD, HH, mm, ss and the separators `{DATETIME_SEPARATORS}`"
                    )),
                );
                return None;
            }
        };
        Some(RangeNaming {
            from_prefix: rf.from_prefix.to_string(),
            to_prefix: rf.to_prefix.to_string(),
            datetime_format: rf.datetime_format.to_string(),
            chrono_format,
            decision: rf.decision.as_ref().map(|d| d.to_string()),
        })
    }

    fn envelopes(&mut self, e: &raw::Envelopes) -> Envelopes {
        // The runtime tells a validation failure by its status; others (401, 403, 404, 409,
        // 429, 5xx) mean something else to it.
        if !VALIDATION_STATUSES.contains(&*e.validation_status) {
            self.error(
                e.validation_status.span(),
                format!("the validation status must be one of {VALIDATION_STATUSES:?}"),
                None,
            );
        }
        for (what, slots) in [
            ("action", e.action.slots()),
            ("validation_error", e.validation_error.slots()),
            ("page", e.page.slots()),
            ("command", e.command.slots()),
            ("command_parameter", e.command_parameter.slots()),
            ("run_command", e.run_command.slots()),
        ] {
            self.envelope(what, &slots);
        }
        let slot = |s: &raw::Slot| Slot {
            wire: s.wire.to_string(),
            docs: s.docs.to_string(),
        };
        Envelopes {
            validation_status: *e.validation_status,
            decision: e.decision.as_ref().map(|d| d.to_string()),
            action: e.action.map(slot),
            validation_error: e.validation_error.map(slot),
            page: e.page.map(slot),
            command: e.command.map(slot),
            command_parameter: e.command_parameter.map(slot),
            run_command: e.run_command.map(slot),
        }
    }

    /// One envelope's wire names: non-empty and distinct (the API ignores case).
    fn envelope(&mut self, what: &str, slots: &[(&'static str, &raw::Slot)]) {
        let mut seen: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
        for (name, slot) in slots {
            self.docs(&slot.docs, &format!("envelope slot `{what}.{name}`"));
            self.sources(&slot.sources);
            if slot.wire.is_empty() || slot.wire.contains(|c: char| c.is_control()) {
                self.error(
                    slot.wire.span(),
                    format!("`{what}.{name}` needs a wire name"),
                    None,
                );
            } else if let Some(first) = seen.insert(slot.wire.to_ascii_lowercase(), &slot.wire) {
                let at = line_of(first.span());
                self.error(
                    slot.wire.span(),
                    format!(
                        "wire name `{}` is used twice in the `{what}` envelope (first{at})",
                        slot.wire.as_str()
                    ),
                    None,
                );
            }
        }
    }

    fn throttling(&mut self, t: &raw::Throttling) -> Throttling {
        self.sources(&t.sources);
        for status in &t.statuses {
            if !(400..=599).contains(&**status) {
                self.error(
                    status.span(),
                    format!("{} is not an HTTP error status", **status),
                    None,
                );
            }
        }
        if t.message.trim().is_empty() {
            self.error(
                t.message.span(),
                "the throttle message cannot be empty",
                Some("the client tells a throttled 409 from a real conflict by this text".into()),
            );
        }
        let mut limits: Vec<RateLimit> = Vec::new();
        for limit in &t.limits {
            self.sources(&limit.sources);
            let docs = self.docs(&limit.docs, "a rate limit");
            if *limit.count == 0 {
                self.error(
                    limit.count.span(),
                    "a rate limit allows at least one request",
                    None,
                );
            }
            if *limit.window_ms == 0 {
                self.error(
                    limit.window_ms.span(),
                    "a rate limit's window is at least 1 ms",
                    None,
                );
            }
            let writes_only = *limit.applies_to == LimitedRequests::Writes;
            let same = limits.iter().any(|l| {
                (l.count, l.window_ms, l.writes_only)
                    == (*limit.count, *limit.window_ms, writes_only)
            });
            if same {
                self.error(
                    limit.count.span(),
                    "this rate limit is declared twice",
                    None,
                );
            }
            limits.push(RateLimit {
                count: *limit.count,
                window_ms: *limit.window_ms,
                writes_only,
                docs,
            });
        }
        Throttling {
            statuses: t.statuses.iter().map(|s| **s).collect(),
            message: t.message.to_string(),
            limits,
            docs: self.docs(&t.docs, "throttling"),
        }
    }
}

/// The documents' `YYYY-MM-DDTHH:mm` notation as a chrono format (`%Y-%m-%dT%H:%M`).
fn chrono_format(format: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = format;
    let mut date_parts = 0;
    'outer: while !rest.is_empty() {
        for (token, chrono) in DATETIME_TOKENS {
            if let Some(after) = rest.strip_prefix(token) {
                out.push_str(chrono);
                if ["YYYY", "MM", "DD"].contains(token) {
                    date_parts += 1;
                }
                rest = after;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        if !DATETIME_SEPARATORS.contains(c) {
            return Err(format!(
                "has `{c}`, which is no date-time token or separator"
            ));
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if date_parts < 3 {
        return Err("needs YYYY, MM and DD".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::chrono_format;

    #[test]
    fn converts_the_documents_notation() {
        assert_eq!(chrono_format("YYYY-MM-DDTHH:mm").unwrap(), "%Y-%m-%dT%H:%M");
        assert_eq!(chrono_format("DD/MM/YYYY").unwrap(), "%d/%m/%Y");
        assert!(chrono_format("YYYY-MM-DD %").is_err());
        assert!(chrono_format("HH:mm").is_err());
        assert!(chrono_format("YYYY-MM-DDQ").is_err());
    }
}
