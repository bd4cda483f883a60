//! Pairing the items of two lists: by their wire name first, then by their Rust name, so a
//! renamed variant and a renamed query are each one change, not a removal and an addition.

/// The items of `old` and `new` paired by the first key that matches, in `keys` order; the
/// unpaired ones are removed (old only) or added (new only). Each item pairs at most once.
pub struct Pairs<'a, T> {
    /// In `new`'s order.
    pub both: Vec<(&'a T, &'a T)>,
    pub removed: Vec<&'a T>,
    pub added: Vec<&'a T>,
}

type Key<T> = fn(&T) -> String;

pub fn pair<'a, T>(old: &'a [T], new: &'a [T], keys: &[Key<T>]) -> Pairs<'a, T> {
    let mut old_left: Vec<Option<&T>> = old.iter().map(Some).collect();
    let mut matched: Vec<Option<&T>> = vec![None; new.len()];
    for key in keys {
        for (slot, item) in matched.iter_mut().zip(new) {
            if slot.is_some() {
                continue;
            }
            let wanted = key(item);
            if let Some(found) = old_left
                .iter_mut()
                .find(|o| o.is_some_and(|o| key(o) == wanted))
            {
                *slot = found.take();
            }
        }
    }
    let mut both = Vec::new();
    let mut added = Vec::new();
    for (slot, item) in matched.into_iter().zip(new) {
        match slot {
            Some(before) => both.push((before, item)),
            None => added.push(item),
        }
    }
    Pairs {
        both,
        removed: old_left.into_iter().flatten().collect(),
        added,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_by_the_first_key_then_the_next_and_leaves_the_rest() {
        // (wire, rust)
        let old = [("a", "A"), ("b", "B"), ("c", "C")];
        let new = [("a", "Renamed"), ("b2", "B"), ("d", "D")];
        let keys: [Key<(&str, &str)>; 2] = [|x| x.0.to_owned(), |x| x.1.to_owned()];
        let pairs = pair(&old, &new, &keys);
        assert_eq!(
            pairs.both,
            [(&old[0], &new[0]), (&old[1], &new[1])],
            "`a` by wire, `B` by rust"
        );
        assert_eq!(pairs.removed, [&old[2]]);
        assert_eq!(pairs.added, [&new[2]]);
    }
}
