//! A sandbox on a manual clock, and retries that never wait.

use std::time::Duration;

use atlan_sandbox::{ManualClock, Sandbox, SandboxBuilder, SandboxHandle};
use atlan_transport::RetryConfig;

/// The instant the default seed is placed relative to.
pub const CLOCK_START: &str = "2026-06-15T12:00:00Z";

/// The sandbox's clock at [`CLOCK_START`]: the default seed's runs are placed relative to it.
pub fn clock() -> ManualClock {
    ManualClock::new(CLOCK_START.parse().expect("a valid instant"))
}

/// A started sandbox on `clock` (runs: 2 s Pending, 30 s Running), customised by `customise`.
///
/// # Panics
/// When the sandbox cannot start (a test cannot go on without it).
pub async fn sandbox_with(
    clock: &ManualClock,
    customise: impl FnOnce(SandboxBuilder) -> SandboxBuilder,
) -> SandboxHandle {
    customise(
        Sandbox::builder()
            .clock(clock.clone())
            .run_durations(Duration::from_secs(2), Duration::from_secs(30)),
    )
    .start()
    .await
    .expect("the sandbox starts")
}

/// The default retries without their waits, so that no test sleeps.
pub fn quick_retries() -> RetryConfig {
    let mut retry = RetryConfig::default();
    retry.initial_backoff = Duration::ZERO;
    retry.max_backoff = Duration::ZERO;
    retry
}
