//! List queries: paging, sorting and filters, and their exact query-string spelling.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::PagingSchema;

/// A filter of a list endpoint; generated per entity as an enum.
pub trait QueryFilter {
    /// The query parameter and its value on the wire, e.g.
    /// `("CoworkerDiscountCode_Id", "[1,2]")`. The value is not yet percent-encoded.
    fn query_pair(&self) -> (&'static str, String);
}

/// A field a list endpoint can sort by; generated per entity as an enum.
pub trait SortField {
    /// The field's name as the `orderBy` parameter spells it, e.g. `CreatedOn`.
    fn wire_name(&self) -> &'static str;
}

/// The sort direction of a list query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortDirection {
    /// Smallest first (`dir=1`).
    #[default]
    Ascending,
    /// Largest first (`dir=-1`).
    Descending,
}

impl SortDirection {
    /// The value of the direction parameter, as `paging` spells it.
    pub const fn wire_value(self, paging: &PagingSchema) -> &'static str {
        match self {
            SortDirection::Ascending => paging.ascending,
            SortDirection::Descending => paging.descending,
        }
    }
}

/// A query of a list endpoint: page, page size, order and filters.
///
/// ```
/// # use nexudus::{ListQuery, QueryFilter, SortField, SortDirection};
/// # enum Filter { Notes(String) }
/// # impl QueryFilter for Filter {
/// #     fn query_pair(&self) -> (&'static str, String) {
/// #         match self { Filter::Notes(n) => ("X_Notes", n.clone()) }
/// #     }
/// # }
/// # enum Sort { CreatedOn }
/// # impl SortField for Sort { fn wire_name(&self) -> &'static str { "CreatedOn" } }
/// let query = ListQuery::new()
///     .size(50)
///     .order_by(Sort::CreatedOn, SortDirection::Descending)
///     .filter(Filter::Notes("vip".into()));
/// // The paging names of the spec (the generated crate's `SERVICE.paging`).
/// let paging = &nexudus::SERVICE.paging;
/// assert_eq!(query.query_string(paging), "size=50&orderBy=CreatedOn&dir=-1&X_Notes=vip");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery<F, S> {
    page: Option<u32>,
    size: Option<u32>,
    order_by: Option<S>,
    direction: Option<SortDirection>,
    filters: Vec<F>,
}

impl<F, S> Default for ListQuery<F, S> {
    fn default() -> Self {
        Self {
            page: None,
            size: None,
            order_by: None,
            direction: None,
            filters: Vec::new(),
        }
    }
}

impl<F: QueryFilter, S: SortField> ListQuery<F, S> {
    /// An empty query: the first page in the API's default size and order, unfiltered.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page to fetch, from 1.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Records per page; sizes above the API's largest are clamped to it when sent.
    pub fn size(mut self, size: u32) -> Self {
        self.size = Some(size);
        self
    }

    /// Sorts by `field` in `direction`.
    pub fn order_by(mut self, field: S, direction: SortDirection) -> Self {
        self.order_by = Some(field);
        self.direction = Some(direction);
        self
    }

    /// Adds a filter; all filters apply together.
    pub fn filter(mut self, filter: F) -> Self {
        self.filters.push(filter);
        self
    }

    /// The page this query starts at, if set.
    pub fn current_page(&self) -> Option<u32> {
        self.page
    }

    /// The query parameters, not yet percent-encoded: page, size (at most the largest the
    /// API serves), order and direction (each only if set), named as `paging` names them,
    /// then the filters in the order they were added.
    pub fn query_pairs(&self, paging: &PagingSchema) -> Vec<(&'static str, String)> {
        self.pairs(self.page, paging)
    }

    /// The query parameters of another page of this query.
    pub(crate) fn page_pairs(
        &self,
        page: u32,
        paging: &PagingSchema,
    ) -> Vec<(&'static str, String)> {
        self.pairs(Some(page), paging)
    }

    fn pairs(&self, page: Option<u32>, paging: &PagingSchema) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(4 + self.filters.len());
        if let Some(page) = page {
            pairs.push((paging.page, page.to_string()));
        }
        if let Some(size) = self.size {
            pairs.push((paging.size, size.min(paging.max_size).to_string()));
        }
        if let Some(field) = &self.order_by {
            pairs.push((paging.order_by, field.wire_name().to_owned()));
            let direction = self.direction.unwrap_or_default();
            pairs.push((paging.direction, direction.wire_value(paging).to_owned()));
        }
        pairs.extend(self.filters.iter().map(QueryFilter::query_pair));
        pairs
    }

    /// The query string as it goes on the wire, without the leading `?`.
    pub fn query_string(&self, paging: &PagingSchema) -> String {
        encode_query(&self.query_pairs(paging))
    }
}

/// A list of ids as id filters spell it: `[1,2,3]`.
pub fn id_list(ids: &[i64]) -> String {
    let mut out = String::with_capacity(2 + ids.len() * 8);
    out.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{id}");
    }
    out.push(']');
    out
}

/// What must be percent-encoded in a query name or value: everything but the unreserved
/// characters and `[ ] , :`, which the API's documents write literally (`Id=[1,2]`,
/// `2025-01-01T00:00`).
const QUERY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'[')
    .remove(b']')
    .remove(b',')
    .remove(b':');

/// Joins pairs into a query string, percent-encoding only what must be encoded.
pub(crate) fn encode_query(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, QUERY_ENCODE));
        out.push('=');
        out.extend(utf8_percent_encode(value, QUERY_ENCODE));
    }
    out
}
