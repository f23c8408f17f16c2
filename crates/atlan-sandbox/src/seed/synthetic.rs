//! Synthetic bulk data for benchmarks: workflows across every package and runs over the last 30
//! days, generated from a fixed random seed, so that the same counts give the same data.

use std::collections::HashSet;

use atlan_model::WorkflowPackage;
use serde_json::{Value, json};

use super::{creator, unique_name};
use crate::ids;
use crate::store::runs::time;
use crate::store::{Creator, Event, Outcome, RunRecord};

/// A synthetic workflow runs are made of: its name, package prefix and package name.
struct Template {
    name: String,
    prefix: String,
    package_name: String,
}

/// `workflows` workflows across every package and `runs` runs spread over the last 30 days,
/// generated one at a time as they are loaded (a 100,000-run tenant is never held twice).
pub(super) fn events(workflows: usize, runs: usize, now: i64) -> Synthetic {
    let users: Vec<Creator> = [
        "jane.doe",
        "john.roe",
        "sam.lee",
        "ana.diaz",
        "svc-scheduler",
    ]
    .iter()
    .map(|user| creator(user))
    .collect();
    Synthetic {
        rng: fastrand::Rng::with_seed(42),
        users,
        templates: Vec::with_capacity(workflows),
        names: HashSet::with_capacity(runs),
        workflows,
        runs,
        now,
        shared_credentials: None,
    }
}

/// The synthetic tenant's events, in order: every workflow, then every run.
pub(crate) struct Synthetic {
    rng: fastrand::Rng,
    users: Vec<Creator>,
    /// The workflows made so far, which runs are drawn from.
    templates: Vec<Template>,
    /// The run names given so far.
    names: HashSet<String>,
    /// How many workflows are made in all.
    workflows: usize,
    /// How many runs are left to make.
    runs: usize,
    now: i64,
    /// The credential of the `index`th workflow, when workflows share them (a fleet's).
    shared_credentials: Option<fn(usize) -> String>,
}

impl Synthetic {
    /// The same tenant, each workflow using `credential(index)` instead of one of its own.
    pub(super) fn sharing(mut self, credential: fn(usize) -> String) -> Self {
        self.shared_credentials = Some(credential);
        self
    }
}

impl Iterator for Synthetic {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        let index = self.templates.len();
        if index < self.workflows {
            let packages = WorkflowPackage::KNOWN;
            let package = packages.get(index % packages.len())?;
            // Every user but the scheduler account owns workflows.
            let owners = self.users.len().saturating_sub(1).max(1);
            let owner = self.users.get(index % owners)?;
            let (template, mut document) = workflow(index, package, owner, self.now, &mut self.rng);
            let parameter = "/spec/templates/0/dag/tasks/0/arguments/parameters/0/value";
            if let (Some(credential), Some(value)) =
                (self.shared_credentials, document.pointer_mut(parameter))
            {
                *value = Value::String(credential(index));
            }
            let name = template.name.clone();
            self.templates.push(template);
            return Some(Event::PutWorkflow {
                name,
                document,
                schedule_since: None,
            });
        }
        if self.runs == 0 {
            return None;
        }
        let template = self.rng.choice(&self.templates)?;
        self.runs -= 1;
        let record = run(
            template,
            &self.users,
            &mut self.names,
            self.now,
            &mut self.rng,
        );
        Some(Event::PutRun {
            record: Box::new(record),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let workflows = self.workflows - self.templates.len().min(self.workflows);
        let runs = if self.workflows == 0 { 0 } else { self.runs };
        let left = workflows.saturating_add(runs);
        (left, Some(left))
    }
}

/// The `index`th workflow: of `package`, owned by `owner`, created 1 to 200 days ago; one in ten
/// is scheduled.
fn workflow(
    index: usize,
    package: &WorkflowPackage,
    owner: &Creator,
    now: i64,
    rng: &mut fastrand::Rng,
) -> (Template, Value) {
    let prefix = package.prefix().to_owned();
    let name = format!("{prefix}-{}", 1_600_000_000 + index as u64 * 7);
    let package_name = package
        .package_name()
        .unwrap_or_else(|| format!("@atlan/{prefix}"));
    let created = now - rng.i64(86_400..200 * 86_400) * 1000;
    let uid = ids::uuid_from(rng);
    let credential = ids::uuid_from(rng);
    let mut annotations = json!({"package.argoproj.io/name": package_name, "orchestration.atlan.com/atlanName": name});
    if index.is_multiple_of(10) {
        crate::json::set(
            &mut annotations,
            "orchestration.atlan.com/schedule",
            json!(format!("{} {} * * *", index % 60, index % 24)),
        );
        crate::json::set(
            &mut annotations,
            "orchestration.atlan.com/timezone",
            json!("UTC"),
        );
    }
    let document = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": uid,
            "creationTimestamp": time(created),
            "resourceVersion": (created / 1000).to_string(),
            "generation": 1,
            "labels": {
                "orchestration.atlan.com/atlan-ui": "true",
                "workflows.argoproj.io/creator": owner.sub,
                "workflows.argoproj.io/creator-preferred-username": owner.username,
            },
            "annotations": annotations,
        },
        "spec": {
            "entrypoint": "main",
            "templates": [{"name": "main", "dag": {"tasks": [{
                "name": "run",
                "arguments": {"parameters": [
                    {"name": "credential-guid", "value": credential},
                    {"name": "enable-lineage", "value": "true"},
                ]},
                "templateRef": {"name": prefix, "template": "main", "clusterScope": true},
            }]}}],
            "workflowMetadata": {"annotations": {"package.argoproj.io/name": package_name}},
        },
    });
    let template = Template {
        name,
        prefix,
        package_name,
    };
    (template, document)
}

/// A light run (no nodes) of `template`: a few are running or pending, the rest finished.
fn run(
    template: &Template,
    users: &[Creator],
    names: &mut HashSet<String>,
    now: i64,
    rng: &mut fastrand::Rng,
) -> RunRecord {
    let Timing {
        created,
        pending_s,
        running_s,
        outcome,
    } = timing(now, rng);
    let name = unique_name(&template.name, names, rng);
    names.insert(name.clone());
    RunRecord {
        name,
        workflow: template.name.clone(),
        namespace: "default".into(),
        uid: ids::uuid_from(rng),
        created,
        pending_ms: pending_s * 1000,
        running_ms: running_s * 1000,
        outcome,
        message: (outcome == Outcome::Error).then(|| "pod deleted".to_owned()),
        stopped_at: None,
        stop_requested: None,
        creator: (rng.f64() < 0.9)
            .then(|| rng.choice(users).cloned())
            .flatten(),
        package: template.prefix.clone(),
        package_name: Some(template.package_name.clone()),
        steps: crate::store::package_steps(&template.prefix),
        failure: None,
        lag_ms: 0,
        scheduled: None,
        light: true,
        template_spec: None,
    }
}

/// When a synthetic run was created, how long it stays Pending and Running, and how it ends.
struct Timing {
    created: i64,
    pending_s: i64,
    running_s: i64,
    outcome: Outcome,
}

/// A tenant runs a few workflows at any moment (Argo's parallelism caps it), whatever its history
/// holds: 0.2% of runs are running and 0.05% pending, the rest finished over the last 30 days (80%
/// succeeded, 15% failed, 5% error).
fn timing(now: i64, rng: &mut fastrand::Rng) -> Timing {
    let roll = rng.f64();
    if roll < 0.002 {
        // Still running: started within the hour, runs for hours more.
        let age = rng.i64(60..3_600);
        return Timing {
            created: now - age * 1000,
            pending_s: 5,
            running_s: age + rng.i64(600..7_200),
            outcome: Outcome::Succeeded,
        };
    }
    if roll < 0.0025 {
        // Still pending.
        return Timing {
            created: now - rng.i64(1..30) * 1000,
            pending_s: 300,
            running_s: 600,
            outcome: Outcome::Succeeded,
        };
    }
    let outcome = match roll {
        r if r < 0.80 => Outcome::Succeeded,
        r if r < 0.95 => Outcome::Failed,
        _ => Outcome::Error,
    };
    Timing {
        created: now - rng.i64(3_600..30 * 86_400) * 1000,
        pending_s: rng.i64(2..20),
        running_s: rng.i64(60..3_600),
        outcome,
    }
}
