//! Work on all cores: generation handles hundreds of independent files (YAML in, Rust out).

use rayon::prelude::*;

/// Splits `items` into small chunks, runs `work` on each on rayon's pool (an idle core takes
/// the next chunk, so one large entity does not leave the other cores waiting), and answers
/// the chunks' results in the items' order, so callers stay deterministic. A panic in
/// `work` is re-raised here.
pub fn on_all_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    // Several chunks per thread balance the load; chunks amortise per-chunk set-up.
    let chunk = items
        .len()
        .div_ceil(rayon::current_num_threads() * 8)
        .max(1);
    items.par_chunks(chunk).map(&work).collect()
}

/// Runs `work` on each item on rayon's pool, an idle core taking the next one, and answers
/// the results in the items' order: for few items of very uneven cost, sorted largest first.
/// A panic in `work` is re-raised here.
pub fn each_on_all_cores<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    items.par_iter().map(&work).collect()
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
        let doubled: Vec<u32> = each_on_all_cores(&items, |&n| 2 * n);
        assert_eq!(doubled, items.iter().map(|n| 2 * n).collect::<Vec<_>>());
    }
}
