//! Sets of characters as sorted, disjoint, non-adjacent ranges of code points.

/// Inclusive code point ranges, sorted and merged.
pub(super) type Ranges = Vec<(u32, u32)>;

/// The largest code point.
pub(super) const MAX_CHAR: u32 = char::MAX as u32;

pub(super) fn any() -> Ranges {
    vec![(0, MAX_CHAR)]
}

pub(super) fn single(c: char) -> Ranges {
    vec![(u32::from(c), u32::from(c))]
}

/// Lucene's `\d`: `[0-9]`.
pub(super) fn digit() -> Ranges {
    vec![(u32::from('0'), u32::from('9'))]
}

/// Lucene's `\s`: space, tab, line feed, vertical tab, form feed, carriage return.
pub(super) fn space() -> Ranges {
    normalize(vec![(0x09, 0x0d), (0x20, 0x20)])
}

/// Lucene's `\w`: `[a-zA-Z0-9_]`.
pub(super) fn word() -> Ranges {
    normalize(vec![
        (u32::from('0'), u32::from('9')),
        (u32::from('A'), u32::from('Z')),
        (u32::from('_'), u32::from('_')),
        (u32::from('a'), u32::from('z')),
    ])
}

/// Sorts and merges overlapping or adjacent ranges.
pub(super) fn normalize(mut ranges: Ranges) -> Ranges {
    ranges.sort_unstable();
    let mut merged: Ranges = Vec::with_capacity(ranges.len());
    for (low, high) in ranges {
        match merged.last_mut() {
            Some(last) if low <= last.1.saturating_add(1) => last.1 = last.1.max(high),
            _ => merged.push((low, high)),
        }
    }
    merged
}

/// Every code point not in `ranges` (which must be normalized).
pub(super) fn negate(ranges: &[(u32, u32)]) -> Ranges {
    let mut result = Vec::with_capacity(ranges.len() + 1);
    let mut next = 0u32;
    for &(low, high) in ranges {
        if low > next {
            result.push((next, low - 1));
        }
        next = high.saturating_add(1);
    }
    if next <= MAX_CHAR {
        result.push((next, MAX_CHAR));
    }
    result
}

/// `ranges` with the other case of every ASCII letter in it (Lucene's ASCII case insensitivity).
pub(super) fn fold_ascii_case(ranges: &[(u32, u32)]) -> Ranges {
    let mut result = ranges.to_vec();
    let shift = |(low, high): (u32, u32), from: (u32, u32), by: i64| {
        let (start, end) = (low.max(from.0), high.min(from.1));
        (start <= end).then(|| {
            let moved = |c: u32| u32::try_from(i64::from(c) + by).unwrap_or(c);
            (moved(start), moved(end))
        })
    };
    for &range in ranges {
        result.extend(shift(range, (u32::from('a'), u32::from('z')), -32));
        result.extend(shift(range, (u32::from('A'), u32::from('Z')), 32));
    }
    normalize(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_negate_and_fold() {
        assert_eq!(normalize(vec![(5, 9), (1, 3), (4, 4)]), vec![(1, 9)]);
        assert_eq!(negate(&[(0, 9)]), vec![(10, MAX_CHAR)]);
        assert_eq!(negate(&[(1, 2), (5, MAX_CHAR)]), vec![(0, 0), (3, 4)]);
        assert_eq!(negate(&any()), Vec::new());
        let folded = fold_ascii_case(&[(u32::from('x'), u32::from('z'))]);
        assert_eq!(
            folded,
            vec![
                (u32::from('X'), u32::from('Z')),
                (u32::from('x'), u32::from('z'))
            ]
        );
    }
}
