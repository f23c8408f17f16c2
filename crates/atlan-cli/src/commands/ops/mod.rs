//! `atlanctl runs explain`, `runs stats`, `runs rerun` and `doctor`: the commands over both APIs,
//! each a call into `atlan-ops` and a way of printing what it answers.

pub(crate) mod batch;
mod doctor;
mod explain;
mod rerun;
mod stats;
mod suspend;

pub(crate) use doctor::doctor;
pub(crate) use explain::{explain, report as explanation_lines};
pub(crate) use rerun::rerun;
pub(crate) use stats::stats;
pub(crate) use suspend::suspend;

use atlan_ops::Window;
use jiff::Timestamp;

use crate::cli::WindowArgs;
use crate::context::Env;
use crate::error::CliError;

/// Says, once each, which APIs were left out because the tenant does not serve them, and what
/// that means for the answer (`its runs are not counted`).
pub(crate) fn say_skipped(skipped: &[atlan_ops::Api], meaning: &str, env: &mut Env) {
    for api in skipped {
        env.printer.warn(&format!(
            "the tenant does not serve the {} API: {meaning}",
            api.as_str()
        ));
    }
}

/// The window of `args`, at `--now` or this machine's clock; bounds the wrong way round are a
/// usage error naming them.
fn window(args: &WindowArgs) -> Result<(Window, Timestamp), CliError> {
    // Whole seconds: bounds and due times read better, and nothing here is finer.
    let now = args.now.unwrap_or_else(|| {
        let now = Timestamp::now();
        Timestamp::from_second(now.as_second()).unwrap_or(now)
    });
    let window = Window::resolve(&args.since, args.before.as_ref(), now)
        .map_err(|error| CliError::Usage(error.to_string()))?;
    Ok((window, now))
}
