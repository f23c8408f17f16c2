//! Results kept whole between the pages of a listing: a client paging through 10,000 runs asks
//! the same search a hundred times with a growing `from`; evaluating and sorting every match for
//! each page would make page 100 cost what the whole listing should. The first page of a search
//! keeps its first 10,000 hits (Elasticsearch's result window: no page goes further), sorted, as
//! slots; the next pages are slices of it.
//!
//! An entry is only valid for the collection's generation it was made at (any write bumps it, and
//! runs changing phase with the clock are writes), and searches whose answer depends on the
//! instant they run at (date math with `now`) are never kept.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use atlan_query::eval::Page;
use atlan_query::{MAX_RESULT_WINDOW, Search};

/// Searches kept at once (each at most 10,000 slots and their sort values).
const ENTRIES: usize = 16;

/// A whole result: the first 10,000 hits of a search, as slots of the collection.
pub(crate) type Whole = Arc<Page<usize>>;

/// The kept results of one collection.
#[derive(Debug, Default)]
pub(crate) struct ResultCache {
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    generation: u64,
    /// Oldest first.
    kept: VecDeque<(String, Whole)>,
}

impl ResultCache {
    /// The kept result of the search `key` names, if it was made at `generation`.
    pub(crate) fn get(&self, key: &str, generation: u64) -> Option<Whole> {
        let entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.generation != generation {
            return None;
        }
        entries
            .kept
            .iter()
            .find(|(kept, _)| kept == key)
            .map(|(_, whole)| whole.clone())
    }

    /// Keeps a result made at `generation`, dropping everything older than it and, past
    /// [`ENTRIES`], the oldest.
    pub(crate) fn put(&self, key: String, generation: u64, whole: Whole) {
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.generation != generation {
            if entries.generation > generation {
                return;
            }
            entries.kept.clear();
            entries.generation = generation;
        }
        entries.kept.retain(|(kept, _)| *kept != key);
        if entries.kept.len() == ENTRIES {
            entries.kept.pop_front();
        }
        entries.kept.push_back((key, whole));
    }
}

/// What names a search's whole result: the search without its page, or `None` when it cannot be
/// kept (its answer depends on the instant, or its page is past the result window, which the
/// evaluator refuses).
pub(crate) fn key(search: &Search) -> Option<String> {
    if search.from.saturating_add(search.size) > MAX_RESULT_WINDOW {
        return None;
    }
    let mut whole = search.clone();
    whole.from = 0;
    whole.size = 0;
    let key = serde_json::to_string(&whole).ok()?;
    (!key.contains("now")).then_some(key)
}

/// The search that makes a whole result.
pub(crate) fn whole_search(search: &Search) -> Search {
    let mut whole = search.clone();
    whole.from = 0;
    whole.size = MAX_RESULT_WINDOW;
    whole
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlan_query::Query;

    #[test]
    fn searches_that_name_now_or_leave_the_window_are_not_kept() {
        let mut search = Search::new().query(Query::term("status.phase.keyword", "Failed"));
        search.from = 500;
        search.size = 100;
        let key_of = key(&search).unwrap();
        search.from = 9_900;
        assert_eq!(
            key(&search).as_deref(),
            Some(key_of.as_str()),
            "the page is not the key"
        );
        search.from = 9_950;
        assert_eq!(key(&search), None);
        let recent = Search::new().query(Query::range("status.startedAt").gte("now-1h"));
        assert_eq!(key(&recent), None);
    }

    #[test]
    fn a_write_forgets_every_kept_result() {
        let cache = ResultCache::default();
        let whole: Whole = Arc::new(Page::default());
        cache.put("a".into(), 1, whole.clone());
        assert!(cache.get("a", 1).is_some());
        assert!(cache.get("a", 2).is_none(), "made before a write");
        cache.put("b".into(), 2, whole.clone());
        assert!(cache.get("a", 2).is_none());
        cache.put("a".into(), 1, whole.clone());
        assert!(cache.get("a", 1).is_none(), "an older result is not kept");
        for n in 0..=ENTRIES {
            cache.put(n.to_string(), 2, whole.clone());
        }
        assert!(cache.get("0", 2).is_none(), "the oldest went first");
        assert!(cache.get(&ENTRIES.to_string(), 2).is_some());
    }
}
