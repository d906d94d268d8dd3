//! The one sort of the crate. Every standard sort called with another
//! element type or comparison is another copy of the whole algorithm in the
//! component, several kilobytes each; sorting indices (or other `usize`s)
//! with the comparison behind a reference keeps a single copy.

use std::cmp::Ordering;

/// Sorts `values` by `compare`, which is given two of them. Values that
/// compare equal end in no particular order, so a caller that needs a total
/// order breaks ties itself (by index, for a stable order).
pub fn sort_by(values: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    values.sort_unstable_by(|&a, &b| compare(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_ordered_by_the_comparison_with_ties_broken_by_the_caller() {
        let keys = [3, 1, 2, 1, 3, 0];
        let mut order: Vec<usize> = (0..keys.len()).collect();
        sort_by(&mut order, &|a, b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        assert_eq!(order, [5, 1, 3, 2, 0, 4]);
    }

    #[test]
    fn plain_values_sort_ascending_or_descending() {
        let mut values = vec![4, 0, 9, 4, 1];
        sort_by(&mut values, &|a, b| a.cmp(&b));
        assert_eq!(values, [0, 1, 4, 4, 9]);
        sort_by(&mut values, &|a, b| b.cmp(&a));
        assert_eq!(values, [9, 4, 4, 1, 0]);
    }
}
