//! A sandbox on the system clock whose runs end as soon as they are submitted, for the tests of the
//! long-running commands (`exporter`, `watch`), which poll on the wall clock: they wait for what
//! they expect with a deadline, never for a fixed time.

use std::future::Future;
use std::time::{Duration, Instant};

use atlan_sandbox::{Sandbox, SandboxHandle};
use atlan_workflows::AtlanClient;

use super::{CRAWLER, KEY};

/// How long a test waits for what it expects.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A sandbox on the system clock whose runs end when submitted.
pub async fn live_sandbox() -> SandboxHandle {
    live(Sandbox::builder()).await
}

/// [`live_sandbox`] at the system clock's pace from noon UTC today: the crawler's scheduled run
/// (due at 20:37 UTC, about 40 minutes long) is never under way, so a test that re-runs it and
/// decides on that run does not depend on the hour. Its commands must not compare the tenant's
/// times with their own clock to the hour.
pub async fn idle_crawler_sandbox() -> SandboxHandle {
    live(Sandbox::builder().clock(atlan_sandbox::StartedClock::noon_today())).await
}

async fn live(builder: atlan_sandbox::SandboxBuilder) -> SandboxHandle {
    builder
        .api_key(KEY)
        .run_durations(Duration::ZERO, Duration::ZERO)
        .stop_delay(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

pub fn facade(sandbox: &SandboxHandle) -> AtlanClient {
    AtlanClient::builder()
        .base_url(sandbox.base_url())
        .api_key(KEY)
        .build()
        .unwrap()
}

/// Re-runs the crawler; answers its run's name.
pub async fn rerun(sandbox: &SandboxHandle) -> String {
    let run = facade(sandbox).workflows().rerun(CRAWLER).await.unwrap();
    run.metadata.unwrap().name().unwrap().to_owned()
}

/// Waits until `check` answers something, polling every 50 ms, for at most [`DEADLINE`].
pub async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let start = Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
