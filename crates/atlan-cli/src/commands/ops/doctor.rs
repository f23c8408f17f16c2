//! `atlanctl doctor`: one finding per line (the run it is about and the command to type next in
//! its detail), and a closing `coverage` line; exits 1 when a finding is an error.

use atlan_ops::{ApiChoice, Finding};

use super::window;
use crate::cli::DoctorArgs;
use crate::context::Env;
use crate::error::CliError;
use crate::output::Record;

/// The table's columns.
const COLUMNS: [&str; 5] = ["SEVERITY", "CHECK", "API", "WORKFLOW", "DETAIL"];

/// Checks the tenant and prints the findings.
pub(crate) async fn doctor(args: DoctorArgs, env: &mut Env) -> Result<(), CliError> {
    let (window, now) = window(&args.window)?;
    let client = env.client().await?;
    let before = env.requests();
    let (levels, planned) = crate::commands::levels::service_levels(&args.levels, env).await?;
    let api = ApiChoice::from(args.window.api);
    let report = atlan_ops::doctor::run(&client, api, &window, now, &levels).await?;
    let mut findings = report.findings.clone();
    if let (Some(planned), Some(path)) = (planned, &args.levels.desired.desired) {
        let path = path.display().to_string();
        findings.extend(atlan_ops::as_code::drift::findings(&planned, &path));
    }
    let requests = env
        .requests()
        .zip(before)
        .map(|(after, before)| after - before);
    findings.push(report.coverage(requests));
    let records: Vec<Record> = findings.iter().map(record).collect::<Result<_, _>>()?;
    env.printer.records(&COLUMNS, &records)?;
    let errors = report.errors();
    if errors > 0 {
        return Err(CliError::Unhealthy { errors });
    }
    Ok(())
}

fn record(finding: &Finding) -> Result<Record, CliError> {
    Ok(Record {
        row: vec![
            finding.severity.as_str().to_owned(),
            finding.check.to_owned(),
            finding.api.map_or("-", atlan_ops::Api::as_str).to_owned(),
            finding.workflow.clone().unwrap_or_else(|| "-".to_owned()),
            match &finding.next {
                Some(next) => format!("{}; next: {next}", finding.detail),
                None => finding.detail.clone(),
            },
        ],
        json: serde_json::to_value(finding).map_err(std::io::Error::from)?,
    })
}
