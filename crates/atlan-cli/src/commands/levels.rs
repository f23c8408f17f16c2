//! What is expected of each workflow, from `--desired` files and the default options: read once,
//! when a command starts, for `doctor`, `watch`, `exporter` and `top` alike.

use atlan_ops::as_code::Document;
use atlan_ops::as_code::plan::Planned;
use atlan_ops::service_levels::ServiceLevels;

use super::as_code::{Desired, plan_documents, planned_from};
use crate::cli::LevelArgs;
use crate::context::Env;
use crate::error::CliError;

/// The service levels of the files of `args` (each matched to its workflow on the tenant) over
/// its defaults, and the plan of the files (for drift), when files are given.
///
/// # Errors
/// A file with a problem; a failure to read the tenant.
pub(crate) async fn service_levels(
    args: &LevelArgs,
    env: &mut Env,
) -> Result<(ServiceLevels, Option<Vec<Planned>>), CliError> {
    let levels = ServiceLevels::new(args.expect.expectations());
    let Some(files) = Desired::of(&args.desired) else {
        return Ok((levels, None));
    };
    let planned = planned_from(files, env).await?;
    Ok((levels.with_files(&planned), Some(planned)))
}

/// As [`service_levels`], over `documents`, the files of `args` read already (the exporter's,
/// read before it listens).
///
/// # Errors
/// A failure to read the tenant.
pub(crate) async fn service_levels_of(
    args: &LevelArgs,
    documents: &[(String, Document)],
    env: &mut Env,
) -> Result<ServiceLevels, CliError> {
    let levels = ServiceLevels::new(args.expect.expectations());
    let Some(files) = Desired::of(&args.desired) else {
        return Ok(levels);
    };
    Ok(levels.with_files(&plan_documents(documents, &files, env).await?))
}
