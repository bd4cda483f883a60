//! Work on all cores: generation handles hundreds of independent files (YAML in, Rust out).

/// Splits `items` into one chunk per core, runs `work` on each chunk in a scoped thread, and
/// answers the chunks' results in the items' order, so callers stay deterministic. A panic
/// in `work` is re-raised here.
pub fn on_all_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order() {
        let items: Vec<u32> = (0..101).collect();
        let sums: Vec<u32> = on_all_cores(&items, |chunk| chunk.iter().sum());
        assert_eq!(sums.iter().sum::<u32>(), (0..101u32).sum::<u32>());
        let flattened: Vec<u32> = on_all_cores(&items, <[u32]>::to_vec).concat();
        assert_eq!(flattened, items);
        assert!(
            on_all_cores(&[] as &[u32], |c| c.len())
                .iter()
                .all(|&n| n == 0)
        );
    }
}
