//! Fault injection: rules that make requests fail, slow down, lose their connection or their
//! response, and make runs fail; set when the sandbox starts and through `/_sandbox/faults`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::failure::{Failure, FailureCause, MAX_RETRIES};
use crate::glob;

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultAction {
    /// Answer this status (with an Atlan-shaped body) instead of serving the request.
    Status {
        /// The status code.
        status: u16,
        /// A `Retry-After` value (seconds or an HTTP date).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
    },
    /// Wait this long before serving the request.
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// Close the connection without reading the request or answering.
    DropBefore,
    /// Serve the request (its changes are made), then close the connection without answering.
    DropAfter,
    /// Serve the request, then send only half of the response body and close the connection.
    Truncate,
    /// Make new runs of matching workflows (by `workflow`, a name or a slug glob) fail, at a step,
    /// for a cause; `count` makes it the next N runs.
    FailRuns {
        /// `Failed` or `Error` (default: `Error` for `pod_deleted`, else `Failed`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phase: Option<String>,
        /// A workflow-level message (Argo sets none for a failed DAG).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// Why (default `step_error`, or `pod_deleted` for the phase `Error`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<FailureCause>,
        /// The step that fails (default: the middle step of the package).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        /// How many times the step is retried before the run fails (at most 10).
        #[serde(default, skip_serializing_if = "is_zero")]
        retries: u32,
        /// The exit code of a `step_error` (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
    },
    /// Make new and changed runs of matching workflows (by `workflow`) visible to searches only
    /// this long after they change, as a tenant's lagging index does.
    IndexLag {
        /// Milliseconds.
        ms: u64,
    },
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// A fault rule.
///
/// ```
/// use atlan_sandbox::FaultRule;
///
/// // Two 503s with Retry-After on run searches, then normal service.
/// let rule = FaultRule::status("POST /api/service/runs/indexsearch", 503).retry_after("1").times(2);
/// assert_eq!(rule.count, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaultRule {
    /// Set by the sandbox when the rule is added.
    #[serde(default)]
    pub id: u64,
    /// The requests it applies to: `METHOD /path` where `*` matches anything (`*` alone: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// For [`FaultAction::FailRuns`]: the workflows whose runs it applies to (a `*` glob).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    /// What it does.
    pub action: FaultAction,
    /// The chance it applies to a matching request (default 1).
    #[serde(default = "always")]
    pub probability: f64,
    /// How many more times it applies (unlimited when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

fn always() -> f64 {
    1.0
}

impl FaultRule {
    fn new(route: Option<String>, workflow: Option<String>, action: FaultAction) -> Self {
        Self {
            id: 0,
            route,
            workflow,
            action,
            probability: 1.0,
            count: None,
        }
    }

    /// Answer `status` on `route`.
    pub fn status(route: impl Into<String>, status: u16) -> Self {
        Self::new(
            Some(route.into()),
            None,
            FaultAction::Status {
                status,
                retry_after: None,
            },
        )
    }

    /// Add `latency` before serving `route`.
    pub fn latency(route: impl Into<String>, latency: Duration) -> Self {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        Self::new(Some(route.into()), None, FaultAction::Latency { ms })
    }

    /// Close the connection before serving `route`.
    pub fn drop_before(route: impl Into<String>) -> Self {
        Self::new(Some(route.into()), None, FaultAction::DropBefore)
    }

    /// Serve `route`, then close the connection without answering.
    pub fn drop_after(route: impl Into<String>) -> Self {
        Self::new(Some(route.into()), None, FaultAction::DropAfter)
    }

    /// Serve `route`, then cut the response body.
    pub fn truncate(route: impl Into<String>) -> Self {
        Self::new(Some(route.into()), None, FaultAction::Truncate)
    }

    /// Make new runs of workflows matching `workflow` fail (at their middle step, exit code 1),
    /// with this workflow-level message.
    pub fn fail_runs(workflow: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(
            None,
            Some(workflow.into()),
            FaultAction::FailRuns {
                phase: None,
                message: Some(message.into()),
                cause: None,
                step: None,
                retries: 0,
                exit_code: None,
            },
        )
    }

    /// Make new runs of workflows matching `workflow` fail at `step` for `cause`.
    pub fn fail_at(
        workflow: impl Into<String>,
        step: impl Into<String>,
        cause: FailureCause,
    ) -> Self {
        Self::runs(
            workflow,
            FaultAction::FailRuns {
                phase: None,
                message: None,
                cause: Some(cause),
                step: Some(step.into()),
                retries: 0,
                exit_code: None,
            },
        )
    }

    /// A rule for new runs of workflows matching `workflow` (a name or slug glob): `action` is
    /// [`FaultAction::FailRuns`] or [`FaultAction::IndexLag`].
    pub fn runs(workflow: impl Into<String>, action: FaultAction) -> Self {
        Self::new(None, Some(workflow.into()), action)
    }

    /// Make new and changed runs of workflows matching `workflow` reach searches `lag` late.
    pub fn index_lag(workflow: impl Into<String>, lag: Duration) -> Self {
        let ms = u64::try_from(lag.as_millis()).unwrap_or(u64::MAX);
        Self::runs(workflow, FaultAction::IndexLag { ms })
    }

    /// The retries of a failure rule.
    #[must_use]
    pub fn retries(mut self, count: u32) -> Self {
        if let FaultAction::FailRuns { retries, .. } = &mut self.action {
            *retries = count;
        }
        self
    }

    /// Sets the `Retry-After` of a status fault.
    #[must_use]
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        if let FaultAction::Status { retry_after, .. } = &mut self.action {
            *retry_after = Some(value.into());
        }
        self
    }

    /// Applies only this many times.
    #[must_use]
    pub fn times(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// Applies with this probability.
    #[must_use]
    pub fn probability(mut self, probability: f64) -> Self {
        self.probability = probability.clamp(0.0, 1.0);
        self
    }

    fn validate(&self) -> Result<(), FaultRuleError> {
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(FaultRuleError::NotAProbability {
                probability: self.probability,
            });
        }
        match &self.action {
            FaultAction::Latency { ms } if *ms > MAX_LATENCY_MS => {
                Err(FaultRuleError::LatencyTooLong { ms: *ms })
            }
            FaultAction::Status {
                retry_after: Some(value),
                ..
            } if http::HeaderValue::from_str(value).is_err() => {
                Err(FaultRuleError::NotAHeaderValue {
                    value: value.clone(),
                })
            }
            FaultAction::Status { status, .. } if !(100..=599).contains(status) => {
                Err(FaultRuleError::NotAStatus { status: *status })
            }
            FaultAction::FailRuns {
                phase: Some(phase), ..
            } if !matches!(phase.as_str(), "Failed" | "Error") => {
                Err(FaultRuleError::NotAFailurePhase {
                    phase: phase.clone(),
                })
            }
            FaultAction::FailRuns {
                phase: Some(phase),
                cause: Some(cause),
                ..
            } if (phase == "Error") != (*cause == FailureCause::PodDeleted) => {
                Err(FaultRuleError::PhaseAndCause {
                    phase: phase.clone(),
                    cause: cause.as_str(),
                })
            }
            FaultAction::FailRuns { retries, .. } if *retries > MAX_RETRIES => {
                Err(FaultRuleError::TooManyRetries { retries: *retries })
            }
            FaultAction::IndexLag { ms } if *ms > MAX_INDEX_LAG_MS => {
                Err(FaultRuleError::LagTooLong { ms: *ms })
            }
            FaultAction::FailRuns { .. } | FaultAction::IndexLag { .. }
                if blank(self.workflow.as_deref()) =>
            {
                Err(FaultRuleError::NoWorkflowPattern)
            }
            FaultAction::FailRuns { .. } | FaultAction::IndexLag { .. } => Ok(()),
            _ if blank(self.route.as_deref()) => Err(FaultRuleError::NoRoutePattern),
            _ => Ok(()),
        }
    }
}

/// Whether a pattern is missing or empty (`""` or only spaces: it would name no route and no
/// workflow, or every one, depending on how it is read).
fn blank(pattern: Option<&str>) -> bool {
    pattern.is_none_or(|pattern| pattern.trim().is_empty())
}

/// The longest latency a rule may add: ten minutes (longer only ties up connections).
pub const MAX_LATENCY_MS: u64 = 600_000;

/// The longest index lag a rule or the sandbox's option may set: an hour.
pub const MAX_INDEX_LAG_MS: u64 = 3_600_000;

/// A fault rule that cannot apply.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FaultRuleError {
    /// The probability is not between 0 and 1.
    #[error("probability {probability} is not between 0 and 1")]
    NotAProbability {
        /// The probability given.
        probability: f64,
    },
    /// A latency fault longer than [`MAX_LATENCY_MS`].
    #[error("a latency of {ms} ms is longer than the {MAX_LATENCY_MS} ms a rule may add")]
    LatencyTooLong {
        /// The latency given.
        ms: u64,
    },
    /// A `Retry-After` that cannot be sent as a header.
    #[error("retry_after {value:?} cannot be sent as a header value")]
    NotAHeaderValue {
        /// The value given.
        value: String,
    },
    /// A status fault's status is not between 100 and 599.
    #[error("status {status} is not an HTTP status")]
    NotAStatus {
        /// The status given.
        status: u16,
    },
    /// A `fail_runs` fault's phase is neither `Failed` nor `Error`.
    #[error("fail_runs phase must be Failed or Error, got {phase}")]
    NotAFailurePhase {
        /// The phase given.
        phase: String,
    },
    /// A `fail_runs` fault whose phase and cause disagree (`Error` is the phase of `pod_deleted`).
    #[error(
        "fail_runs phase {phase} does not go with the cause {cause} (Error is the phase of pod_deleted)"
    )]
    PhaseAndCause {
        /// The phase given.
        phase: String,
        /// The cause given.
        cause: &'static str,
    },
    /// A `fail_runs` fault with more retries than a run document holds.
    #[error("fail_runs retries {retries} is more than the {MAX_RETRIES} a run may have")]
    TooManyRetries {
        /// The retries given.
        retries: u32,
    },
    /// An `index_lag` fault longer than [`MAX_INDEX_LAG_MS`].
    #[error("an index lag of {ms} ms is longer than the {MAX_INDEX_LAG_MS} ms a rule may set")]
    LagTooLong {
        /// The lag given.
        ms: u64,
    },
    /// A `fail_runs` or `index_lag` fault without the workflows it applies to.
    #[error("fail_runs and index_lag need a workflow pattern")]
    NoWorkflowPattern,
    /// A request fault without the routes it applies to.
    #[error("a request fault needs a route pattern")]
    NoRoutePattern,
}

/// What happens to one request.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) latency: Duration,
    pub(crate) terminal: Option<FaultAction>,
}

/// The fault rules of a running sandbox; clones share them.
#[derive(Debug, Clone)]
pub struct FaultControl {
    inner: Arc<Inner>,
    recording: crate::recording::Recording,
}

#[derive(Debug)]
struct Inner {
    rules: Mutex<Vec<FaultRule>>,
    next_id: AtomicU64,
    rng: Mutex<fastrand::Rng>,
}

impl FaultControl {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            inner: Arc::new(Inner {
                rules: Mutex::new(Vec::new()),
                next_id: AtomicU64::new(1),
                rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            }),
            recording: crate::recording::Recording::default(),
        }
    }

    /// The recording of the requests (`/_sandbox/recording`), which sits with the faults around
    /// the router.
    pub(crate) fn recording(&self) -> &crate::recording::Recording {
        &self.recording
    }

    /// Adds a rule; returns its id.
    ///
    /// # Errors
    /// [`FaultRuleError`] when the rule cannot apply (bad status, missing pattern).
    pub fn add(&self, mut rule: FaultRule) -> Result<u64, FaultRuleError> {
        rule.validate()?;
        rule.id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let id = rule.id;
        if let Ok(mut rules) = self.inner.rules.lock() {
            rules.push(rule);
        }
        Ok(id)
    }

    /// Removes a rule; returns whether it existed.
    pub fn remove(&self, id: u64) -> bool {
        self.inner.rules.lock().is_ok_and(|mut rules| {
            let before = rules.len();
            rules.retain(|rule| rule.id != id);
            rules.len() != before
        })
    }

    /// Removes every rule.
    pub fn clear(&self) {
        if let Ok(mut rules) = self.inner.rules.lock() {
            rules.clear();
        }
    }

    /// The rules, with their remaining counts.
    pub fn list(&self) -> Vec<FaultRule> {
        self.inner
            .rules
            .lock()
            .map(|rules| rules.clone())
            .unwrap_or_default()
    }

    /// Decides, consuming counts, whether `rule` applies this time.
    fn fires(rule: &mut FaultRule, rng: &mut fastrand::Rng) -> bool {
        if rule.count == Some(0) || (rule.probability < 1.0 && rng.f64() >= rule.probability) {
            return false;
        }
        if let Some(count) = &mut rule.count {
            *count -= 1;
        }
        true
    }

    /// What happens to a request for `method path`: the latency of every matching latency rule, and
    /// the first other matching rule.
    pub(crate) fn plan(&self, method: &str, path: &str) -> Plan {
        let target = format!("{method} {path}");
        let mut plan = Plan::default();
        let (Ok(mut rules), Ok(mut rng)) = (self.inner.rules.lock(), self.inner.rng.lock()) else {
            return plan;
        };
        for rule in rules.iter_mut() {
            let Some(route) = &rule.route else { continue };
            if !(route == "*" || glob::matches(route, &target)) {
                continue;
            }
            match &rule.action {
                FaultAction::Latency { ms } => {
                    let ms = *ms;
                    if Self::fires(rule, &mut rng) {
                        plan.latency += Duration::from_millis(ms);
                    }
                }
                FaultAction::FailRuns { .. } | FaultAction::IndexLag { .. } => {}
                action if plan.terminal.is_none() => {
                    let action = action.clone();
                    if Self::fires(rule, &mut rng) {
                        plan.terminal = Some(action);
                    }
                }
                _ => {}
            }
        }
        rules.retain(|rule| rule.count != Some(0));
        plan
    }

    /// How a new run of `workflow` (a legacy name or an app slug) fails, consuming the first
    /// matching failure rule: the failure and the workflow-level message; `None` when it succeeds.
    pub(crate) fn run_failure(&self, workflow: &str) -> Option<(Failure, Option<String>)> {
        let action = self.consume_first(workflow, |action| {
            matches!(action, FaultAction::FailRuns { .. })
        })?;
        let FaultAction::FailRuns {
            phase,
            message,
            cause,
            step,
            retries,
            exit_code,
        } = action
        else {
            return None;
        };
        let cause = cause.unwrap_or(if phase.as_deref() == Some("Error") {
            FailureCause::PodDeleted
        } else {
            FailureCause::StepError
        });
        let failure = Failure {
            cause,
            step,
            retries,
            exit_code,
            message: None,
        };
        Some((failure, message))
    }

    /// How late a new or changed run of `workflow` reaches searches by the first matching
    /// `index_lag` rule (consuming it), in milliseconds.
    pub(crate) fn run_lag(&self, workflow: &str) -> Option<i64> {
        match self.consume_first(workflow, |action| {
            matches!(action, FaultAction::IndexLag { .. })
        })? {
            FaultAction::IndexLag { ms } => Some(i64::try_from(ms).unwrap_or(i64::MAX)),
            _ => None,
        }
    }

    /// The action of the first rule for runs of `workflow` that `accepts` takes and that fires
    /// (its count consumed).
    fn consume_first(
        &self,
        workflow: &str,
        accepts: impl Fn(&FaultAction) -> bool,
    ) -> Option<FaultAction> {
        let (Ok(mut rules), Ok(mut rng)) = (self.inner.rules.lock(), self.inner.rng.lock()) else {
            return None;
        };
        let mut found = None;
        for rule in rules.iter_mut() {
            let matches = rule
                .workflow
                .as_deref()
                .is_some_and(|pattern| glob::matches(pattern, workflow));
            if matches && accepts(&rule.action) && Self::fires(rule, &mut rng) {
                found = Some(rule.action.clone());
                break;
            }
        }
        rules.retain(|rule| rule.count != Some(0));
        found
    }
}

#[cfg(test)]
mod tests;
