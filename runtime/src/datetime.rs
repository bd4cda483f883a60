//! The lenient date-time the API writes.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use chrono::format::{Item, Numeric, Pad, Parsed, StrftimeItems};
use chrono::{NaiveDateTime, NaiveTime, Timelike};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time as the API writes it.
///
/// Most values look like `2025-01-15T10:30:00Z`, but some are the space's local wall-clock
/// time with a literal `Z`, and some lack the `Z`, the seconds, or carry fractions of a
/// second. So the value is kept as the wall-clock time that was written
/// ([`naive`](Self::naive)) plus whether it had a `Z` ([`is_utc`](Self::is_utc)), and it
/// serializes back in one canonical form, `YYYY-MM-DDTHH:MM:SS[.fraction][Z]`, keeping the
/// wall-clock time, the fraction and whether there was a `Z`.
///
/// Parsing accepts `T` or a space between date and time, minutes-only times, any number
/// of fraction digits, a trailing `Z`, an explicit offset such as `+02:00` (converted to
/// UTC) and a bare date (midnight).
///
/// Ordering and equality compare the wall-clock time first, then the `Z` flag; they do not
/// convert between time zones, because the API's `Z` cannot be trusted to mean UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    naive: NaiveDateTime,
    utc: bool,
}

/// The error of [`DateTime::parse`]: the text is not a date-time in any accepted form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date-time `{input}`: expected e.g. `2025-01-15T10:30:00Z`")]
pub struct ParseDateTimeError {
    input: String,
}

/// Longest input quoted back in a [`ParseDateTimeError`].
const MAX_QUOTED: usize = 64;

const NAIVE_FORMATS: &[&str] = &[
    // `%.f` also matches no fraction at all.
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
];

impl DateTime {
    /// Parses any of the forms described on [`DateTime`].
    pub fn parse(s: &str) -> Result<Self, ParseDateTimeError> {
        let s = s.trim();
        if let Some(naive) = s.strip_suffix(['Z', 'z']).and_then(parse_naive) {
            return Ok(Self { naive, utc: true });
        }
        if let Some(naive) = parse_naive(s) {
            return Ok(Self { naive, utc: false });
        }
        if let Ok(with_offset) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(Self {
                naive: with_offset.naive_utc(),
                utc: true,
            });
        }
        Err(ParseDateTimeError {
            input: s.chars().take(MAX_QUOTED).collect(),
        })
    }

    /// The wall-clock time as written, without any zone.
    pub fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// Whether the value carried a `Z` (or an offset) and so claims to be UTC.
    pub fn is_utc(&self) -> bool {
        self.utc
    }

    /// The value in the filter format of the API (the chrono `format` of the generated
    /// crate's `SERVICE.filter_datetime_format`, `%Y-%m-%dT%H:%M`), as filters such as
    /// `from_..._UpdatedOn` expect it. What the format leaves out (seconds) is dropped.
    pub fn to_filter_string(&self, format: &str) -> String {
        // The spec's checks admit only formats chrono writes without failing; a bad one
        // written by hand gives an empty string rather than a panic.
        let mut out = String::new();
        let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{}", self.naive.format(format)));
        out
    }
}

/// [`NAIVE_FORMATS`], read once: `parse_from_str` would read the format string again for
/// every value, which was a third of the time of decoding a page.
static NAIVE_ITEMS: LazyLock<Vec<Vec<Item<'static>>>> = LazyLock::new(|| {
    NAIVE_FORMATS
        .iter()
        .filter_map(|format| StrftimeItems::new(format).parse_to_owned().ok())
        .collect()
});

/// A bare date, read as midnight.
const DATE_ITEMS: &[Item<'static>] = &[
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
];

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    NAIVE_ITEMS
        .iter()
        .find_map(|items| {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, s, items.iter()).ok()?;
            parsed.to_naive_datetime_with_offset(0).ok()
        })
        .or_else(|| {
            let mut parsed = Parsed::new();
            chrono::format::parse(&mut parsed, s, DATE_ITEMS.iter()).ok()?;
            Some(parsed.to_naive_date().ok()?.and_time(NaiveTime::MIN))
        })
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.naive.format("%Y-%m-%dT%H:%M:%S"))?;
        let nanos = self.naive.nanosecond() % 1_000_000_000;
        if nanos != 0 {
            // As many digits as needed, so `.1234567` (what .NET writes) survives a round trip.
            let digits = format!("{nanos:09}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        if self.utc {
            f.write_str("Z")?;
        }
        Ok(())
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTime {
    fn from(value: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            naive: value.naive_utc(),
            utc: true,
        }
    }
}

impl From<NaiveDateTime> for DateTime {
    fn from(naive: NaiveDateTime) -> Self {
        Self { naive, utc: false }
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateTimeVisitor;

        impl Visitor<'_> for DateTimeVisitor {
            type Value = DateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string such as \"2025-01-15T10:30:00Z\"")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
                DateTime::parse(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DateTimeVisitor)
    }
}
