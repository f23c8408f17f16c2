//! What is expected of each workflow, from `--desired` files and the default options: read once,
//! when a command starts, for `doctor`, `watch`, `exporter` and `top` alike.

use atlan_ops::as_code::plan::Planned;
use atlan_ops::service_levels::ServiceLevels;

use super::as_code::{Desired, planned_from};
use crate::cli::{DesiredArgs, ExpectArgs};
use crate::context::Env;
use crate::error::CliError;

/// The service levels of the files of `desired` (each matched to its workflow on the tenant) over
/// the defaults of `expect`, and the plan of the files (for drift), when files are given.
///
/// # Errors
/// A file with a problem; a failure to read the tenant.
pub(crate) async fn service_levels(
    desired: &DesiredArgs,
    expect: &ExpectArgs,
    env: &mut Env,
) -> Result<(ServiceLevels, Option<Vec<Planned>>), CliError> {
    let levels = ServiceLevels::new(expect.expectations());
    let Some(files) = Desired::of(desired) else {
        return Ok((levels, None));
    };
    let planned = planned_from(files, env).await?;
    Ok((levels.with_files(&planned), Some(planned)))
}
