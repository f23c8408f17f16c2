//! Time bounds checked when they are set, the same way for every search that takes them (legacy
//! runs and app runs): `*_since` (inclusive lower bound) and `*_before` (inclusive upper bound).

use atlan_query::DateMath;

use crate::error::{Error, Result};

/// Remembers the first bound that was not a time, to fail the search with before anything is
/// built or sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct BoundCheck {
    invalid: Option<String>,
}

impl BoundCheck {
    /// `time`, trimmed; when it is neither a date nor date math, remembered as the error (the
    /// first such bound is the one named).
    pub(crate) fn check(&mut self, time: impl Into<String>) -> String {
        let time = time.into().trim().to_owned();
        if let Err(error) = DateMath::parse(&time)
            && self.invalid.is_none()
        {
            self.invalid = Some(format!(
                "`{time}` is not a time such as now-6h or 2026-01-31T00:00:00Z: {error}"
            ));
        }
        time
    }

    /// Whether every bound set was a time.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first that was not.
    pub(crate) fn result(&self) -> Result<()> {
        match &self.invalid {
            Some(invalid) => Err(Error::invalid(invalid)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bound_that_is_not_a_time_is_named() {
        let mut check = BoundCheck::default();
        assert_eq!(check.check(" now-1d "), "now-1d");
        assert!(check.result().is_ok());
        check.check("yesterday");
        check.check("tomorrow");
        let error = check.result().unwrap_err().to_string();
        assert!(error.contains("`yesterday`"), "{error}");
        assert!(!error.contains("tomorrow"), "{error}");
    }
}
