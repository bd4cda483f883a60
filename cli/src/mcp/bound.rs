//! Bounds on what one answer carries, so an assistant's context is not flooded: a page
//! size smaller than the API's, long text cut, long arrays cut, and a budget of bytes per
//! answer. Every cut is said in the answer, with the argument that gets more.

use nexudus::SERVICE;
use serde_json::Value;

/// Records per page when `size` is not given: the API's default, at most 25.
pub fn default_size() -> u32 {
    SERVICE.paging.default_size.clamp(1, 25)
}

/// The largest `size`: the API's largest, at most 100. More than that would not fit the
/// byte budget anyway.
pub fn max_size() -> u32 {
    SERVICE.paging.max_size.clamp(1, 100)
}

/// Characters of each text kept in list records, by default.
pub const LIST_TEXT: usize = 200;
/// Characters of each text kept in a full record, by default.
pub const GET_TEXT: usize = 2_000;
/// The most `max_text` may ask for.
pub const MAX_TEXT: usize = 20_000;
/// Items of an array kept (children, id lists).
pub const MAX_ITEMS: usize = 50;
/// Bytes of JSON records one answer carries at most.
pub const BUDGET: usize = 60_000;

/// Cuts, in place, every text longer than `limit` characters and every array longer than
/// [`MAX_ITEMS`]; answers the top-level properties it cut.
pub fn trim_record(record: &mut Value, limit: usize) -> Vec<String> {
    let mut cut = Vec::new();
    match record {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                if trim(value, limit) {
                    cut.push(key.clone());
                }
            }
        }
        other => {
            trim(other, limit);
        }
    }
    cut
}

/// Whether anything in `value` was cut.
fn trim(value: &mut Value, limit: usize) -> bool {
    match value {
        Value::String(text) => {
            let total = text.chars().count();
            if total <= limit {
                return false;
            }
            let kept: String = text.chars().take(limit).collect();
            *text = format!("{kept}… [cut: {total} characters in all]");
            true
        }
        Value::Array(items) => {
            let mut cut = false;
            if items.len() > MAX_ITEMS {
                let more = items.len() - MAX_ITEMS;
                items.truncate(MAX_ITEMS);
                items.push(Value::String(format!("… [cut: {more} more items]")));
                cut = true;
            }
            for item in items.iter_mut() {
                cut |= trim(item, limit);
            }
            cut
        }
        Value::Object(object) => {
            let mut cut = false;
            for item in object.values_mut() {
                cut |= trim(item, limit);
            }
            cut
        }
        _ => false,
    }
}

/// The JSON size of a value, in bytes.
pub fn size_of(value: &Value) -> usize {
    serde_json::to_string(value).map_or(0, |text| text.len())
}

/// The records that fit in `budget` bytes, in order; at least the first, whatever its
/// size (it is already trimmed). Answers them and how many were left out.
pub fn fit(records: Vec<Value>, budget: usize) -> (Vec<Value>, usize) {
    let total = records.len();
    let mut used = 0;
    let mut kept = Vec::with_capacity(total);
    for record in records {
        let size = size_of(&record) + 1;
        if !kept.is_empty() && used + size > budget {
            break;
        }
        used += size;
        kept.push(record);
    }
    let left_out = total - kept.len();
    (kept, left_out)
}

/// A full record cut to fit the budget: its text at `limit` characters, then shorter until
/// it fits. Answers the properties cut and the limit that was used.
pub fn fit_record(record: &mut Value, limit: usize) -> (Vec<String>, usize) {
    let original = record.clone();
    let mut limit = limit;
    loop {
        let cut = trim_record(record, limit);
        if size_of(record) <= BUDGET || limit <= 50 {
            return (cut, limit);
        }
        limit /= 4;
        *record = original.clone();
    }
}

/// Where a page stands and how to get more: `page 1 of 12 (records 1-25 of 290); call list
/// with page=2 for the next`.
pub struct PageNote<'a> {
    pub page: i64,
    pub total_pages: i64,
    pub total_items: i64,
    pub first_item: i64,
    pub has_next: bool,
    pub returned: usize,
    pub left_out: usize,
    pub cut_text: &'a [String],
    pub text_limit: usize,
}

impl PageNote<'_> {
    pub fn sentence(&self) -> String {
        if self.total_items == 0 {
            return "no records match".to_owned();
        }
        if self.returned == 0 && self.left_out == 0 {
            return format!(
                "page {} is past the last page: {} records in {} pages; call list with a \
                 smaller page",
                self.page, self.total_items, self.total_pages
            );
        }
        let shown = i64::try_from(self.returned).unwrap_or(i64::MAX);
        let mut text = format!(
            "page {} of {} (records {}-{} of {})",
            self.page,
            self.total_pages,
            self.first_item,
            self.first_item.saturating_add(shown).saturating_sub(1),
            self.total_items
        );
        if self.left_out > 0 {
            text.push_str(&format!(
                "; {} more records of this page did not fit in one answer: call list with \
                 `fields` naming fewer fields, or a smaller `size`",
                self.left_out
            ));
        }
        if self.has_next {
            text.push_str(&format!(
                "; call list with page={} for the next",
                self.page.saturating_add(1)
            ));
        }
        if !self.cut_text.is_empty() {
            text.push_str(&format!(
                "; long values were cut at {} characters ({}): call get for a record's \
                 full text, or list with a larger max_text",
                self.text_limit,
                self.cut_text.join(", ")
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_are_bounded_by_the_service_paging() {
        assert!(default_size() >= 1 && default_size() <= max_size());
        assert!(max_size() <= SERVICE.paging.max_size);
        assert!(default_size() <= SERVICE.paging.default_size);
    }

    #[test]
    fn long_text_and_long_arrays_are_cut_and_named() {
        let mut record = json!({
            "Notes": "x".repeat(300),
            "Name": "short",
            "Ids": (0..60).collect::<Vec<i64>>(),
            "Nested": [{"Body": "é".repeat(250)}],
        });
        let cut = trim_record(&mut record, 200);
        assert_eq!(cut, ["Ids", "Nested", "Notes"]);
        let notes = record["Notes"].as_str().unwrap();
        assert!(notes.starts_with(&"x".repeat(200)));
        assert!(notes.ends_with("… [cut: 300 characters in all]"));
        assert_eq!(record["Name"], "short");
        assert_eq!(record["Ids"].as_array().unwrap().len(), MAX_ITEMS + 1);
        assert_eq!(record["Ids"][MAX_ITEMS], "… [cut: 10 more items]");
        // Characters, not bytes: no multi-byte character is split.
        assert!(
            record["Nested"][0]["Body"]
                .as_str()
                .unwrap()
                .starts_with(&"é".repeat(200))
        );
    }

    #[test]
    fn records_fit_the_budget_and_the_first_always_comes() {
        let records: Vec<Value> = (0..10)
            .map(|i| json!({"Id": i, "Text": "y".repeat(90)}))
            .collect();
        let one = size_of(&records[0]) + 1;
        let (kept, left_out) = fit(records.clone(), one * 3);
        assert_eq!((kept.len(), left_out), (3, 7));
        let (kept, left_out) = fit(records, 1);
        assert_eq!((kept.len(), left_out), (1, 9));
    }

    #[test]
    fn a_huge_record_is_cut_until_it_fits() {
        let mut record = json!({"A": "a".repeat(BUDGET), "B": "b".repeat(BUDGET)});
        let (cut, limit) = fit_record(&mut record, MAX_TEXT);
        assert!(size_of(&record) <= BUDGET, "{limit}");
        assert_eq!(cut, ["A", "B"]);
    }

    #[test]
    fn the_note_says_how_to_get_more() {
        let note = PageNote {
            page: 1,
            total_pages: 12,
            total_items: 290,
            first_item: 1,
            has_next: true,
            returned: 25,
            left_out: 0,
            cut_text: &[],
            text_limit: LIST_TEXT,
        };
        assert_eq!(
            note.sentence(),
            "page 1 of 12 (records 1-25 of 290); call list with page=2 for the next"
        );
        let past = PageNote {
            page: 13,
            returned: 0,
            has_next: false,
            ..note
        };
        assert!(past.sentence().starts_with("page 13 is past the last page"));
        let none = PageNote {
            total_items: 0,
            ..past
        };
        assert_eq!(none.sentence(), "no records match");
    }
}
