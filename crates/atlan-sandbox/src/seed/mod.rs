//! Seed data: the default tenant shipped in `fixtures/seed/`, a directory of fixtures, or synthetic
//! bulk data generated deterministically for benchmarks.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use atlan_model::Credential;
use serde::Deserialize;
use serde_json::Value;

use crate::ids;

mod apps;
mod synthetic;
use crate::store::{Creator, Event, Failure, Outcome, RunRecord, StoredCredential};

/// The default tenant: dozens of workflows across many packages, hundreds of runs in every phase,
/// credentials and schedules (`fixtures/seed/tenant.json`).
const DEFAULT_TENANT: &str = include_str!("../../../../fixtures/seed/tenant.json");

/// Where the sandbox's first data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Seed {
    /// Nothing: an empty tenant.
    Empty,
    /// The default tenant shipped with the sandbox.
    #[default]
    Default,
    /// A directory: `tenant.json` and/or `workflows/*.json`, `runs/*.json`, `credentials/*.json`.
    Dir(PathBuf),
    /// This many workflows and runs, generated from a fixed random seed.
    Synthetic {
        /// Workflows.
        workflows: usize,
        /// Runs.
        runs: usize,
    },
}

impl Seed {
    /// `Seed::Synthetic` from `WORKFLOWS,RUNS`, as the command lines give it (`10000,100000`).
    ///
    /// # Errors
    /// A message naming the part that is not a count.
    pub fn parse_synthetic(text: &str) -> Result<Self, String> {
        let (workflows, runs) = text
            .split_once(',')
            .ok_or("expected WORKFLOWS,RUNS such as 10000,100000")?;
        let number = |part: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{part}` is not a count"))
        };
        Ok(Self::Synthetic {
            workflows: number(workflows)?,
            runs: number(runs)?,
        })
    }
}

/// Seed data that cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[error("seed {source_name}: {reason}")]
pub struct SeedError {
    source_name: String,
    reason: String,
}

impl SeedError {
    fn new(source_name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            source_name: source_name.into(),
            reason: reason.into(),
        }
    }
}

/// `tenant.json`: workflows, runs (relative to now) and credentials.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tenant {
    #[serde(default)]
    workflows: Vec<SeedWorkflow>,
    #[serde(default)]
    runs: Vec<SeedRun>,
    #[serde(default)]
    credentials: Vec<SeedCredential>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedWorkflow {
    age_seconds: i64,
    #[serde(default)]
    creator: Option<String>,
    workflow: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedRun {
    workflow: String,
    #[serde(default)]
    name: Option<String>,
    age_seconds: i64,
    #[serde(default = "default_pending")]
    pending_seconds: i64,
    running_seconds: i64,
    #[serde(default = "default_outcome")]
    outcome: Outcome,
    #[serde(default)]
    message: Option<String>,
    /// Who submitted it; absent for runs started by a schedule without a creator.
    #[serde(default)]
    creator: Option<String>,
    #[serde(default)]
    stopped_after_seconds: Option<i64>,
}

fn default_pending() -> i64 {
    5
}

fn default_outcome() -> Outcome {
    Outcome::Succeeded
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedCredential {
    age_seconds: i64,
    credential: Value,
}

/// A creator from a username, as Argo Server labels it.
pub(crate) fn creator(username: &str) -> Creator {
    Creator {
        sub: format!(
            "{:08x}-0000-4000-8000-{:012x}",
            ids::fnv32a(username),
            u64::from(ids::fnv32a(&username.repeat(2)))
        ),
        email: format!("{username}.at.example.com"),
        username: username.to_owned(),
    }
}

/// The events that load `seed` at `now` (epoch milliseconds), made as they are taken (the
/// synthetic tenant streams; the others are small and read whole).
pub(crate) fn events(
    seed: &Seed,
    now: i64,
    rng: &mut fastrand::Rng,
) -> Result<Box<dyn Iterator<Item = Event>>, SeedError> {
    Ok(match seed {
        Seed::Empty => Box::new(std::iter::empty()),
        Seed::Default => {
            let mut events = tenant_events("the default tenant", DEFAULT_TENANT, now, rng)?;
            events.extend(apps::events(now));
            Box::new(events.into_iter())
        }
        Seed::Dir(dir) => Box::new(dir_events(dir, now, rng)?.into_iter()),
        Seed::Synthetic { workflows, runs } => Box::new(synthetic::events(*workflows, *runs, now)),
    })
}

fn tenant_events(
    source_name: &str,
    text: &str,
    now: i64,
    rng: &mut fastrand::Rng,
) -> Result<Vec<Event>, SeedError> {
    let tenant: Tenant = serde_json::from_str(text)
        .map_err(|error| SeedError::new(source_name, error.to_string()))?;
    let mut events = Vec::new();
    let mut templates = std::collections::HashMap::new();
    for entry in tenant.workflows {
        let document = seed_template(
            entry.workflow,
            now - entry.age_seconds * 1000,
            entry.creator.as_deref().map(creator),
            rng,
        )
        .map_err(|reason| SeedError::new(source_name, reason))?;
        let name = document
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        templates.insert(name.clone(), document.clone());
        events.push(Event::PutWorkflow {
            name,
            document,
            schedule_since: None,
        });
    }
    let mut names = HashSet::new();
    for run in tenant.runs {
        let template = templates.get(&run.workflow).ok_or_else(|| {
            SeedError::new(
                source_name,
                format!("run of unknown workflow {}", run.workflow),
            )
        })?;
        let created = now - run.age_seconds * 1000;
        let name = run
            .name
            .unwrap_or_else(|| unique_name(&run.workflow, &mut names, rng));
        names.insert(name.clone());
        let record = RunRecord {
            name,
            workflow: run.workflow.clone(),
            namespace: "default".into(),
            uid: ids::uuid_from(rng),
            created,
            pending_ms: run.pending_seconds * 1000,
            running_ms: run.running_seconds * 1000,
            outcome: run.outcome,
            message: run.message,
            stopped_at: run
                .stopped_after_seconds
                .map(|after| created + after * 1000),
            stop_requested: None,
            creator: run.creator.as_deref().map(creator),
            package: crate::store::package_of(template),
            package_name: template
                .pointer("/metadata/annotations")
                .and_then(|annotations| annotations.get(atlan_model::PACKAGE_NAME_KEY))
                .and_then(Value::as_str)
                .map(str::to_owned),
            steps: crate::store::package_steps(&crate::store::package_of(template)),
            failure: seeded_failure(run.outcome, &run.workflow, created),
            lag_ms: 0,
            scheduled: None,
            light: false,
            template_spec: Some(template["spec"].clone()),
        };
        events.push(Event::PutRun {
            record: Box::new(record),
        });
    }
    for entry in tenant.credentials {
        events.push(
            credential_event(entry.credential, now - entry.age_seconds * 1000, rng)
                .map_err(|reason| SeedError::new(source_name, reason))?,
        );
    }
    Ok(events)
}

/// A realistic cause for a failed seed run, drawn from its workflow and time: most fail at a
/// step with an exit code, some run out of memory or past their deadline, and an `Error` is a
/// deleted pod.
fn seeded_failure(outcome: Outcome, workflow: &str, created: i64) -> Option<Failure> {
    use crate::store::FailureCause;
    let draw = ids::fnv32a(&format!("{workflow}@{created}"));
    match outcome {
        Outcome::Succeeded => None,
        Outcome::Error => Some(Failure::of(FailureCause::PodDeleted)),
        Outcome::Failed => {
            let mut failure = Failure::of(match draw % 10 {
                0..=5 => FailureCause::StepError,
                6 | 7 => FailureCause::OutOfMemory,
                _ => FailureCause::Deadline,
            });
            failure.exit_code = Some(if draw.is_multiple_of(3) { 2 } else { 1 });
            failure.retries = (draw / 10) % 3;
            Some(failure)
        }
    }
}

fn credential_event(body: Value, created: i64, rng: &mut fastrand::Rng) -> Result<Event, String> {
    let credential: Credential =
        atlan_model::decode_value(body).map_err(|error| format!("credential: {error}"))?;
    let id = credential.id.clone().unwrap_or_else(|| ids::uuid_from(rng));
    let stored = StoredCredential::from_request(&credential, id, created, "admin")
        .map_err(|error| error.message)?;
    Ok(Event::PutCredential { credential: stored })
}

/// The stored document of a seed workflow (a request body or a template): checked for a name, its
/// uid kept or made, then [`crate::store::template_document`].
fn seed_template(
    mut workflow: Value,
    created: i64,
    owner: Option<Creator>,
    rng: &mut fastrand::Rng,
) -> Result<Value, String> {
    if workflow
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err("a workflow without metadata.name".into());
    }
    let metadata = crate::json::member(&mut workflow, "metadata").take();
    let spec = crate::json::member(&mut workflow, "spec").take();
    let uid = metadata
        .get("uid")
        .and_then(Value::as_str)
        .map_or_else(|| ids::uuid_from(rng), str::to_owned);
    Ok(crate::store::template_document(
        metadata,
        spec,
        &uid,
        created,
        owner.as_ref(),
    ))
}

pub(super) fn unique_name(
    workflow: &str,
    taken: &mut HashSet<String>,
    rng: &mut fastrand::Rng,
) -> String {
    loop {
        let name = ids::generated_name(&format!("{workflow}-"), rng);
        if !taken.contains(&name) {
            return name;
        }
    }
}

fn dir_events(dir: &Path, now: i64, rng: &mut fastrand::Rng) -> Result<Vec<Event>, SeedError> {
    let source_name = dir.display().to_string();
    if !dir.is_dir() {
        return Err(SeedError::new(source_name, "not a directory"));
    }
    let mut events = Vec::new();
    let tenant = dir.join("tenant.json");
    if tenant.exists() {
        let text = fs::read_to_string(&tenant)
            .map_err(|error| SeedError::new(tenant.display().to_string(), error.to_string()))?;
        events.extend(tenant_events(
            &tenant.display().to_string(),
            &text,
            now,
            rng,
        )?);
    }
    for (folder, kind) in [("workflows", 0), ("runs", 1), ("credentials", 2)] {
        let folder = dir.join(folder);
        if !folder.is_dir() {
            continue;
        }
        let mut paths: Vec<PathBuf> = fs::read_dir(&folder)
            .map_err(|error| SeedError::new(folder.display().to_string(), error.to_string()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.display().to_string();
            let text = fs::read_to_string(&path)
                .map_err(|error| SeedError::new(&name, error.to_string()))?;
            let document: Value = serde_json::from_str(&text)
                .map_err(|error| SeedError::new(&name, error.to_string()))?;
            events.push(match kind {
                0 => {
                    let document = seed_template(document, now, None, rng)
                        .map_err(|reason| SeedError::new(&name, reason))?;
                    let workflow = document
                        .pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    Event::PutWorkflow {
                        name: workflow,
                        document,
                        schedule_since: None,
                    }
                }
                1 => {
                    let run = document
                        .pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| SeedError::new(&name, "a run without metadata.name"))?;
                    Event::PutFixedRun {
                        name: run.to_owned(),
                        document: document.clone(),
                    }
                }
                _ => credential_event(document, now, rng)
                    .map_err(|reason| SeedError::new(&name, reason))?,
            });
        }
    }
    Ok(events)
}
