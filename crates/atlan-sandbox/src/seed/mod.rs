//! Seed data: the default tenant shipped in `data/tenant.json`, a directory of fixtures, or synthetic
//! bulk data generated deterministically for benchmarks.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use atlan_model::Credential;
use serde_json::Value;

use crate::ids;

mod apps;
mod fleet;
mod history;
mod synthetic;
mod tenant;

use crate::store::{Creator, Event, StoredCredential};

/// The default tenant: dozens of workflows across many packages, hundreds of runs in every phase,
/// credentials and schedules (`data/tenant.json`).
const DEFAULT_TENANT: &str = include_str!("../../data/tenant.json");

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
    /// A fleet of both APIs, generated from a fixed random seed: the synthetic legacy tenant and
    /// this many app workflows and app runs (credentials shared, schedules some suspended,
    /// failures of every cause, streaks, long and active runs).
    Fleet {
        /// Legacy workflows.
        legacy_workflows: usize,
        /// Legacy runs.
        legacy_runs: usize,
        /// App workflows.
        app_workflows: usize,
        /// App runs.
        app_runs: usize,
    },
}

impl Seed {
    /// `Seed::Synthetic` from `WORKFLOWS,RUNS` (`10000,100000`), or `Seed::Fleet` from
    /// `LEGACY_WORKFLOWS,LEGACY_RUNS,APP_WORKFLOWS,APP_RUNS` (`500,100000,500,100000`), as the
    /// command lines give them.
    ///
    /// # Errors
    /// A message naming the part that is not a count, or a count of parts that is neither.
    pub fn parse_synthetic(text: &str) -> Result<Self, String> {
        let counts = text
            .split(',')
            .map(|part| {
                part.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("`{part}` is not a count"))
            })
            .collect::<Result<Vec<usize>, String>>()?;
        match counts.as_slice() {
            [workflows, runs] => Ok(Self::Synthetic {
                workflows: *workflows,
                runs: *runs,
            }),
            [legacy_workflows, legacy_runs, app_workflows, app_runs] => Ok(Self::Fleet {
                legacy_workflows: *legacy_workflows,
                legacy_runs: *legacy_runs,
                app_workflows: *app_workflows,
                app_runs: *app_runs,
            }),
            _ => Err("expected WORKFLOWS,RUNS such as 10000,100000, or LEGACY_WORKFLOWS,LEGACY_RUNS,APP_WORKFLOWS,APP_RUNS such as 500,100000,500,100000".to_owned()),
        }
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
            let mut events = tenant::events("the default tenant", DEFAULT_TENANT, now, rng)?;
            events.extend(apps::events(now));
            Box::new(events.into_iter())
        }
        Seed::Dir(dir) => Box::new(dir_events(dir, now, rng)?.into_iter()),
        Seed::Synthetic { workflows, runs } => Box::new(synthetic::events(*workflows, *runs, now)),
        Seed::Fleet {
            legacy_workflows,
            legacy_runs,
            app_workflows,
            app_runs,
        } => Box::new(
            synthetic::events(*legacy_workflows, *legacy_runs, now)
                .sharing(fleet::credential_guid)
                .chain(fleet::events(
                    *app_workflows,
                    *app_runs,
                    *legacy_workflows,
                    now,
                )),
        ),
    })
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
        events.extend(tenant::events(
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
