//! Pages of results, and the sources the listings fetch them from: [`ahead`] (the engine that
//! fetches offset-paged listings ahead), [`legacy`] (`workflows/indexsearch` and
//! `runs/indexsearch`); app runs through the asset search fetch their pages in `apps/runs.rs`.

use atlan_model::{TotalHits, TotalHitsRelation};

/// One page of results, of any listing: offset-paged ones (runs, app runs, credentials) have a
/// position and a page size; cursor-paged ones (app workflows) have the cursor of the next page.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The results of this page.
    pub items: Vec<T>,
    /// How many results match in all, as the server counted them (`None` when it does not say).
    pub total: Option<TotalHits>,
    /// The position of the first result of this page in the whole listing.
    pub from: u64,
    /// The page size asked for (for a cursor-paged listing without a size: the page's length).
    pub size: u64,
    /// The cursor of the next page of a cursor-paged listing (`None` after its last page, and for
    /// offset-paged listings).
    pub next_cursor: Option<String>,
    /// Whether the listing is cursor-paged.
    cursored: bool,
}

impl<T> Page<T> {
    /// A page of an offset-paged listing.
    pub(crate) fn offset(items: Vec<T>, total: Option<TotalHits>, from: u64, size: u64) -> Self {
        Self {
            items,
            total,
            from,
            size,
            next_cursor: None,
            cursored: false,
        }
    }

    /// A page of a cursor-paged listing, at position `from`.
    pub(crate) fn cursor(items: Vec<T>, next_cursor: Option<String>, from: u64, size: u64) -> Self {
        Self {
            items,
            total: None,
            from,
            size,
            next_cursor,
            cursored: true,
        }
    }

    /// Whether no page follows: a cursor-paged page without a next cursor; an offset-paged page
    /// that is short (or empty), or reaches the exact total.
    pub fn is_last(&self) -> bool {
        if self.cursored {
            return self.next_cursor.is_none();
        }
        let end = self.from + self.items.len() as u64;
        (self.items.len() as u64) < self.size
            || self.total.as_ref().is_some_and(|total| {
                total.relation != Some(TotalHitsRelation::Gte) && end >= total.value
            })
    }
}

pub(crate) mod ahead;
pub(crate) mod legacy;

pub use ahead::{DEFAULT_CONCURRENCY, MAX_CONCURRENCY};

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, total: Option<(u64, bool)>, from: u64, size: u64) -> Page<()> {
        Page::offset(
            vec![(); items],
            total.map(|(value, gte)| {
                let mut total = TotalHits::exact(value);
                if gte {
                    total.relation = Some(TotalHitsRelation::Gte);
                }
                total
            }),
            from,
            size,
        )
    }

    #[test]
    fn the_last_page_is_short_or_reaches_an_exact_total() {
        assert!(page(0, None, 0, 10).is_last());
        assert!(page(3, None, 0, 10).is_last());
        assert!(!page(10, None, 0, 10).is_last());
        assert!(page(10, Some((20, false)), 10, 10).is_last());
        assert!(!page(10, Some((20, false)), 0, 10).is_last());
        assert!(
            !page(10, Some((10_000, true)), 9_990, 10).is_last(),
            "a lower bound goes on"
        );
        assert!(Page::cursor(vec![(); 3], None, 0, 50).is_last());
        assert!(!Page::cursor(vec![(); 3], Some("c".to_owned()), 0, 50).is_last());
    }
}
