//! What the checks look at, read through the facade: the schedules and app workflows (with when
//! each was created and last changed), every run in the window (one concurrent pass, as `runs
//! stats`), each legacy workflow with runs or a schedule, each credential in use tested once by
//! GUID (read-only), and the disabled users.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use atlan_workflows::{AtlanClient, Error, Result};
use futures_util::{StreamExt, TryStreamExt};
use jiff::Timestamp;

use super::{CredentialCheck, Finding, Severity, Tenant, check};
use crate::fetch::{self, not_served};
use crate::selection::{ApiChoice, Selection};
use crate::service_levels::ServiceLevels;
use crate::stats::Stats;
use crate::uses;
use crate::view::{self, Api};
use crate::window::Window;
use crate::workflow_facts::{self, RunSpan, WorkflowFacts};

/// How many workflows or credentials are read at once.
const CONCURRENCY: usize = 8;
/// The label with the username a legacy workflow was created by (and runs as).
const OWNER_LABEL: &str = "workflows.argoproj.io/creator-preferred-username";

/// Findings, and what was looked at.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DoctorReport {
    /// The findings, errors first.
    pub findings: Vec<Finding>,
    /// How many workflows were looked at.
    pub workflows: usize,
    /// How many credentials were tested (each once).
    pub credential_tests: usize,
    /// The APIs left out because the tenant does not serve them.
    pub skipped: Vec<Api>,
}

impl DoctorReport {
    /// How many findings are errors (`doctor` exits 1 when any is).
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
            .count()
    }

    /// A closing `coverage` finding: what was checked, and with how many requests if counted.
    pub fn coverage(&self, requests: Option<u64>) -> Finding {
        let mut detail = format!(
            "checked {} workflow(s) and {} credential(s), each tested once",
            self.workflows, self.credential_tests
        );
        if let Some(requests) = requests {
            detail.push_str(&format!(", in {requests} request(s)"));
        }
        for api in &self.skipped {
            detail.push_str(&format!(
                "; the tenant does not serve the {} API",
                api.as_str()
            ));
        }
        Finding::general("coverage", Severity::Info, detail)
    }
}

/// Gathers the tenant and checks it.
///
/// # Errors
/// As [`gather`].
pub async fn run(
    client: &AtlanClient,
    api: ApiChoice,
    window: &Window,
    now: Timestamp,
    levels: &ServiceLevels,
) -> Result<DoctorReport> {
    let (tenant, skipped) = gather(client, api, window, now, levels).await?;
    let credential_tests = tenant.credentials.len();
    Ok(DoctorReport {
        findings: check(&tenant),
        workflows: tenant.workflows.len(),
        credential_tests,
        skipped,
    })
}

/// Reads what the checks need, and the APIs the tenant does not serve; with `levels` expecting
/// anything, every workflow's runs are kept for them.
///
/// # Errors
/// The first failure of a read, other than an API (or the users) the tenant does not serve.
pub async fn gather(
    client: &AtlanClient,
    api: ApiChoice,
    window: &Window,
    now: Timestamp,
    levels: &ServiceLevels,
) -> Result<(Tenant, Vec<Api>)> {
    let keep_all = levels.expects_anything();
    // The schedules (and users) and the window's runs are read side by side.
    let ((scheduled, disabled), runs) = futures_util::future::join(
        futures_util::future::join(
            workflow_facts::schedules(client, api, now),
            client.users().disabled(),
        ),
        runs_in_window(client, api, window),
    )
    .await;
    let (found, mut skipped) = scheduled?;
    let mut facts: HashMap<(Api, String), WorkflowFacts> = found
        .into_iter()
        .map(|known| ((known.api, known.workflow.clone()), known))
        .collect();
    let disabled_users = disabled_usernames(disabled)?;
    let Runs {
        stats,
        seen,
        left_out,
    } = runs?;
    for api in left_out {
        if !skipped.contains(&api) {
            skipped.push(api);
        }
    }
    for (key, seen) in seen {
        let known = facts
            .entry(key.clone())
            .or_insert_with(|| WorkflowFacts::new(key.0, key.1.clone()));
        if known.package.is_none() {
            known.package.clone_from(&seen.package);
        }
        known.take_runs(seen, keep_all);
    }

    read_legacy_workflows(client, &mut facts).await?;
    let credentials = test_credentials(client, &facts).await?;

    let mut workflows: Vec<WorkflowFacts> = facts.into_values().collect();
    workflows.sort_by(|a, b| (a.api, &a.workflow).cmp(&(b.api, &b.workflow)));
    let mut tenant = Tenant::new(now, *window);
    tenant.stats = stats;
    tenant.workflows = workflows;
    tenant.credentials = credentials;
    tenant.disabled_users = disabled_users;
    tenant.levels = levels.clone();
    Ok((tenant, skipped))
}

/// Every run of the window, read in one concurrent pass (as `runs stats`).
struct Runs {
    /// Their figures.
    stats: Vec<crate::stats::WorkflowStats>,
    /// Each workflow's runs (every one kept, at most [`workflow_facts::MAX_RUNS`]), last ended
    /// run and package.
    seen: HashMap<(Api, String), WorkflowFacts>,
    /// The APIs the tenant does not serve.
    left_out: Vec<Api>,
}

async fn runs_in_window(client: &AtlanClient, api: ApiChoice, window: &Window) -> Result<Runs> {
    let mut stats = Stats::new(*window);
    let mut seen: HashMap<(Api, String), WorkflowFacts> = HashMap::new();
    let left_out = fetch::each_run(client, &Selection::new(api), window, |run| {
        stats.add(&run);
        let known = seen
            .entry((run.api, run.workflow.clone()))
            .or_insert_with(|| WorkflowFacts::new(run.api, run.workflow.clone()));
        if known.package.is_none() {
            known.package.clone_from(&run.package);
        }
        if let Some(started) = run.started {
            let span = RunSpan::new(run.run.clone(), started, run.finished, run.status);
            known.saw(span.clone());
            known.keep(span);
        }
    })
    .await?;
    Ok(Runs {
        stats: stats.finish(),
        seen,
        left_out,
    })
}

/// The usernames of the disabled users; `None` when the tenant does not serve the users list.
fn disabled_usernames(
    answer: Result<Vec<atlan_workflows::model::User>>,
) -> Result<Option<BTreeSet<String>>> {
    match answer {
        Ok(users) => Ok(Some(
            users.into_iter().filter_map(|user| user.username).collect(),
        )),
        Err(error) if not_served(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Reads each legacy workflow of `facts` (a search per 64 of them): who it runs as, which
/// credential and connection it uses, when it was created, its package.
async fn read_legacy_workflows(
    client: &AtlanClient,
    facts: &mut HashMap<(Api, String), WorkflowFacts>,
) -> Result<()> {
    let legacy: Vec<String> = facts
        .keys()
        .filter(|(api, _)| *api == Api::Legacy)
        .map(|(_, name)| name.clone())
        .collect();
    let names: Vec<&str> = legacy.iter().map(String::as_str).collect();
    let found = client.workflows().get_many(&names).await?;
    for workflow in found {
        let name = workflow.name().to_owned();
        let Some(known) = facts.get_mut(&(Api::Legacy, name.clone())) else {
            continue;
        };
        let metadata = &workflow.source.metadata;
        known.owner = metadata.label(OWNER_LABEL).map(str::to_owned);
        known.credential = uses::legacy_credential(&workflow.source.spec);
        known.connection = uses::legacy_connection(&workflow.source.spec);
        known.created = metadata
            .creation_timestamp
            .as_deref()
            .and_then(|at| at.parse().ok());
        if known.package.is_none() {
            known.package = view::legacy::package(Some(&name), metadata);
        }
    }
    Ok(())
}

/// Tests each credential the workflows of `facts` use, once, by GUID (read-only).
async fn test_credentials(
    client: &AtlanClient,
    facts: &HashMap<(Api, String), WorkflowFacts>,
) -> Result<BTreeMap<String, CredentialCheck>> {
    let guids: BTreeSet<String> = facts
        .values()
        .filter_map(|known| known.credential.clone())
        .collect();
    futures_util::stream::iter(guids)
        .map(|guid| async move {
            let result = match client.credentials().test_by_id(&guid).await {
                Ok(answer) if answer.is_successful() => CredentialCheck::Passed,
                Ok(answer) => {
                    CredentialCheck::Failed(answer.reason().unwrap_or("the test failed").to_owned())
                }
                Err(error) if error.is_not_found() || not_served(&error) => {
                    CredentialCheck::Missing
                }
                Err(error @ Error::Api { .. })
                    if error.status().is_some_and(|s| s.is_client_error()) =>
                {
                    CredentialCheck::Failed(error.to_string())
                }
                Err(error) => return Err(error),
            };
            Ok((guid, result))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await
}
