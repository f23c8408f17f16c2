//! Durability with server-made ids: every acknowledged write survives clean restarts and `kill -9`
//! at random points, ids stay unique across sessions, and many concurrent writers end in the state
//! a sequential model of their acknowledged operations predicts.
//!
//! Figures of a run are in RELIABILITY.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use atlan_sandbox::Sandbox;
use common::{Api, credential, empty_with_state, fixture};
use http::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Notify;

/// A workflow of the default seed, re-run by the writers.
const WORKFLOW: &str = "atlan-snowflake-1714638976";

fn state_path(name: &str) -> PathBuf {
    common::state_path("durability", name)
}

/// Sends a request; `None` when the connection failed (the write may or may not have happened).
async fn send(
    api: &Api,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Option<(StatusCode, Value)> {
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let (status, body) = api.send_raw(method, path, bytes).await.ok()?;
    Some((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

/// Creates a credential; its server-made id when acknowledged.
async fn create_credential(api: &Api, name: &str) -> Option<String> {
    let (status, body) = send(
        api,
        Method::POST,
        "/api/service/credentials?testCredential=false",
        Some(&credential(name)),
    )
    .await?;
    assert!(
        status == StatusCode::OK || status.is_server_error(),
        "{status} {body}"
    );
    (status == StatusCode::OK).then(|| body["id"].as_str().unwrap().to_owned())
}

/// Re-runs [`WORKFLOW`]; the server-made run name when acknowledged.
async fn submit_run(api: &Api) -> Option<String> {
    let rerun = json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": WORKFLOW});
    let (status, body) = send(
        api,
        Method::POST,
        "/api/service/workflows/submit",
        Some(&rerun),
    )
    .await?;
    (status == StatusCode::OK).then(|| body["metadata"]["name"].as_str().unwrap().to_owned())
}

/// Creates an app workflow that runs at once; its slug and run id when acknowledged.
async fn create_app(api: &Api, name: &str) -> Option<(String, String)> {
    let body = json!({"app_id": "atlan-athena", "name": name, "inputs": {
        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}},
        "extraction_method": "direct", "credential_guid": "g"}});
    let (status, body) = send(api, Method::POST, "/api/service/v1/app", Some(&body)).await?;
    assert!(
        status == StatusCode::OK || status.is_server_error(),
        "{status} {body}"
    );
    (status == StatusCode::OK).then(|| {
        (
            body["slug"].as_str().unwrap().to_owned(),
            body["run_id"].as_str().unwrap().to_owned(),
        )
    })
}

/// Replaces an app workflow's inputs with 32 KiB ones of `round` (so that the state file grows
/// fast and is compacted under the kills); `None` when the connection failed.
async fn update_app(api: &Api, slug: &str, round: i64) -> Option<bool> {
    let inputs = json!({"inputs": {
        "connection": {"typeName": "Connection", "attributes": {"qualifiedName": "default/athena/1"}},
        "extraction_method": "direct", "credential_guid": "g", "round": round,
        "payload": "p".repeat(32 * 1024)}});
    let (status, body) = send(
        api,
        Method::PUT,
        &format!("/api/service/v1/app/{slug}"),
        Some(&inputs),
    )
    .await?;
    assert!(
        status == StatusCode::OK || status.is_server_error(),
        "{status} {body}"
    );
    Some(status == StatusCode::OK)
}

/// What the clients were told succeeded.
#[derive(Debug, Default)]
struct Acknowledged {
    /// Credential id → name.
    credentials: BTreeMap<String, String>,
    /// Run name → stopped.
    runs: BTreeMap<String, bool>,
    /// Every server-made id handed out, to catch one given twice.
    handed_out: Vec<String>,
    /// App workflow slug → the run its create started.
    apps: BTreeMap<String, String>,
    /// App workflow slug → the rounds of its inputs that may be stored: the last acknowledged
    /// replacement of its 32 KiB inputs, and the one after it if a kill cut that one.
    rounds: BTreeMap<String, Vec<i64>>,
    /// How many replacements of inputs were acknowledged.
    replaced: usize,
}

impl Acknowledged {
    /// The rounds of `slug`'s inputs that may be stored.
    fn rounds_of(&mut self, slug: &str) -> &mut Vec<i64> {
        self.rounds.get_mut(slug).unwrap()
    }

    /// Checks that the sandbox holds every acknowledged write.
    async fn check(&self, api: &Api) {
        let (status, list) = api.get("/api/service/credentials?limit=1000000").await;
        assert_eq!(status, StatusCode::OK);
        let stored: HashMap<&str, &str> = list["records"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|record| {
                (
                    record["id"].as_str().unwrap(),
                    record["name"].as_str().unwrap(),
                )
            })
            .collect();
        for (id, name) in &self.credentials {
            assert_eq!(
                stored.get(id.as_str()),
                Some(&name.as_str()),
                "credential {id} ({name})"
            );
        }
        if !self.runs.is_empty() {
            let names: Vec<&String> = self.runs.keys().collect();
            let search = json!({"from": 0, "size": 10_000, "query": {"terms": {"_id": names}}});
            let (status, found) = api.post("/api/service/runs/indexsearch", &search).await;
            assert_eq!(status, StatusCode::OK, "{found}");
            let found: HashMap<String, Value> = found["hits"]["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|hit| {
                    (
                        hit["_id"].as_str().unwrap().to_owned(),
                        hit["_source"].clone(),
                    )
                })
                .collect();
            for (name, stopped) in &self.runs {
                let run = found
                    .get(name)
                    .unwrap_or_else(|| panic!("run {name} is lost"));
                if *stopped {
                    assert_eq!(
                        run["status"]["message"], "Stopped with strategy 'Stop'",
                        "{name}"
                    );
                }
            }
        }
        for (slug, run) in &self.apps {
            let (status, workflow) = api.get(&format!("/api/service/v1/app/{slug}")).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "app workflow {slug} is lost: {workflow}"
            );
            let (status, _) = api.get(&format!("/api/service/v1/app/runs/{run}")).await;
            assert_eq!(status, StatusCode::OK, "app run {run} of {slug} is lost");
        }
        for (slug, rounds) in &self.rounds {
            let (_, workflow) = api.get(&format!("/api/service/v1/app/{slug}")).await;
            let round = workflow["dag"]["extract"]["inputs"]["args"]["round"]
                .as_i64()
                .unwrap_or(-1);
            assert!(
                rounds.contains(&round),
                "app workflow {slug} has inputs of round {round}, not one of {rounds:?}"
            );
        }
        let distinct: BTreeSet<&String> = self.handed_out.iter().collect();
        assert_eq!(
            distinct.len(),
            self.handed_out.len(),
            "an id was handed out twice"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 8, ..Default::default() })]

    /// Sessions over one state file, each ending cleanly: every session's ids are new.
    #[test]
    fn ids_stay_unique_across_sessions(sessions in proptest::collection::vec((1usize..6, 0usize..4), 1..5)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let path = state_path(&format!("sessions-{}", fastrand::u64(..)));
            let mut acknowledged = Acknowledged::default();
            for (session, (credentials, runs)) in sessions.iter().enumerate() {
                let sandbox = Sandbox::builder().stop_delay(std::time::Duration::ZERO).state(&path).start().await.unwrap();
                let api = Api::new(&sandbox.base_url(), sandbox.api_key());
                acknowledged.check(&api).await;
                for index in 0..*credentials {
                    let name = format!("s{session}-c{index}");
                    let id = create_credential(&api, &name).await.unwrap();
                    acknowledged.handed_out.push(id.clone());
                    acknowledged.credentials.insert(id, name);
                }
                for _ in 0..*runs {
                    let run = submit_run(&api).await.unwrap();
                    acknowledged.handed_out.push(run.clone());
                    acknowledged.runs.insert(run, false);
                }
                sandbox.shutdown().await;
            }
            let sandbox = Sandbox::builder().stop_delay(std::time::Duration::ZERO).state(&path).start().await.unwrap();
            acknowledged.check(&Api::new(&sandbox.base_url(), sandbox.api_key())).await;
            sandbox.shutdown().await;
            std::fs::remove_file(&path).unwrap();
        });
    }
}

/// Starts the binary on `path` with the default seed; returns the child and its base URL.
fn spawn(path: &Path) -> (std::process::Child, String) {
    // A low compaction threshold: the file is compacted several times under the kills.
    common::spawn_binary(&["--compact-after", "65536", "--stop-seconds", "0"], path)
}

/// How many times the sandbox is killed.
const KILLS: usize = 50;
/// Concurrent writers while it is.
const WRITERS: usize = 16;

/// `kill -9` at random points (after a random number of acknowledged writes, while 16 writers are
/// mid-request): after every restart every acknowledged write is there, and no id was reused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_at_random_points() {
    let path = state_path("kills");
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let mut rng = fastrand::Rng::with_seed(11);
    let mut total_maybe = 0;
    let mut compactions = 0;
    // Each writer's own app workflow, whose inputs it replaces again and again (across kills): the
    // file grows with superseded inputs and is compacted under the kills.
    let owned: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; WRITERS]));
    for cycle in 0..KILLS {
        let (mut child, url) = spawn(&path);
        let api = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY);
        let snapshot = std::mem::take(&mut *acknowledged.lock().unwrap());
        snapshot.check(&api).await;
        *acknowledged.lock().unwrap() = snapshot;

        let kill_after = rng.usize(1..40);
        let count = Arc::new(AtomicUsize::new(0));
        let reached = Arc::new(Notify::new());
        let maybe = Arc::new(AtomicUsize::new(0));
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let api = Api::new(&url, atlan_sandbox::DEFAULT_API_KEY);
                let (acknowledged, count, reached, maybe, owned) = (
                    acknowledged.clone(),
                    count.clone(),
                    reached.clone(),
                    maybe.clone(),
                    owned.clone(),
                );
                let seed = rng.u64(..);
                tokio::spawn(async move {
                    let mut rng = fastrand::Rng::with_seed(seed);
                    let mut mine: Vec<String> = Vec::new();
                    for op in 0.. {
                        let owned_app = owned.lock().unwrap()[writer].clone();
                        let done = match rng.u8(0..6) {
                            3 => {
                                let name = format!("app-k{cycle}-w{writer}-{op}");
                                create_app(&api, &name).await.map(|(slug, run)| {
                                    let mut ack = acknowledged.lock().unwrap();
                                    ack.handed_out.push(slug.clone());
                                    ack.handed_out.push(run.clone());
                                    ack.rounds.insert(slug.clone(), vec![-1]);
                                    ack.apps.insert(slug.clone(), run);
                                    owned.lock().unwrap()[writer].get_or_insert(slug);
                                })
                            }
                            4 | 5 => match owned_app {
                                Some(slug) => {
                                    let slug = &slug;
                                    let round =
                                        i64::try_from(cycle * 1_000).unwrap() + i64::from(op);
                                    // Until it is answered, this round may be what is stored.
                                    acknowledged.lock().unwrap().rounds_of(slug).push(round);
                                    update_app(&api, slug, round).await.map(|updated| {
                                        if updated {
                                            let mut ack = acknowledged.lock().unwrap();
                                            ack.rounds.insert(slug.clone(), vec![round]);
                                            ack.replaced += 1;
                                        } else {
                                            acknowledged.lock().unwrap().rounds_of(slug).pop();
                                        }
                                    })
                                }
                                None => Some(()),
                            },
                            0 => {
                                let name = format!("k{cycle}-w{writer}-{op}");
                                create_credential(&api, &name).await.map(|id| {
                                    let mut ack = acknowledged.lock().unwrap();
                                    ack.handed_out.push(id.clone());
                                    ack.credentials.insert(id, name);
                                })
                            }
                            1 => submit_run(&api).await.map(|run| {
                                let mut ack = acknowledged.lock().unwrap();
                                ack.handed_out.push(run.clone());
                                ack.runs.insert(run.clone(), false);
                                mine.push(run);
                            }),
                            _ => match mine.pop() {
                                Some(run) => send(
                                    &api,
                                    Method::POST,
                                    &format!("/api/service/runs/{run}/stop"),
                                    None,
                                )
                                .await
                                .filter(|(status, _)| *status == StatusCode::OK)
                                .map(|_| {
                                    acknowledged.lock().unwrap().runs.insert(run, true);
                                }),
                                None => Some(()),
                            },
                        };
                        if done.is_none() {
                            // The connection died under the request: it may or may not be stored.
                            maybe.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        if count.fetch_add(1, Ordering::SeqCst) + 1 == kill_after {
                            reached.notify_one();
                        }
                    }
                })
            })
            .collect();
        reached.notified().await;
        let (_, health) = api.get("/_sandbox/health").await;
        compactions += health["state_file"]["compactions"].as_u64().unwrap();
        child.kill().unwrap(); // SIGKILL, with writers mid-request
        child.wait().unwrap();
        for writer in writers {
            writer.await.unwrap();
        }
        total_maybe += maybe.load(Ordering::Relaxed);
    }
    let (mut child, url) = spawn(&path);
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    acknowledged
        .check(&Api::new(&url, atlan_sandbox::DEFAULT_API_KEY))
        .await;
    child.kill().unwrap();
    child.wait().unwrap();
    eprintln!(
        "{KILLS} kills, {} credentials, {} runs ({} stopped), {} app workflows with their runs and {} replacements of 32 KiB inputs acknowledged, {total_maybe} requests cut by a kill, the state file compacted {compactions} times (at least) under them; nothing lost",
        acknowledged.credentials.len(),
        acknowledged.runs.len(),
        acknowledged
            .runs
            .values()
            .filter(|stopped| **stopped)
            .count(),
        acknowledged.apps.len(),
        acknowledged.replaced,
    );
    assert!(acknowledged.credentials.len() + acknowledged.runs.len() >= KILLS);
    assert!(compactions >= 2, "compacted {compactions} times");
    assert!(
        acknowledged.replaced > KILLS,
        "{} replacements",
        acknowledged.replaced
    );
    assert!(!acknowledged.apps.is_empty());
    std::fs::remove_file(&path).unwrap();
}

/// 32 writers create, update and purge their own credentials at once; after a restart the state is
/// what applying each writer's acknowledged operations in order predicts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_end_in_the_state_of_a_sequential_model() {
    let path = state_path("model");
    let (sandbox, _) = empty_with_state(&path).await;
    let url = sandbox.base_url();
    let writers: Vec<_> = (0..32)
        .map(|writer| {
            let api = Api::new(&url, sandbox.api_key());
            tokio::spawn(async move {
                let mut rng = fastrand::Rng::with_seed(writer);
                // The model: id → username, applied in the order the writer was answered.
                let mut model: BTreeMap<String, String> = BTreeMap::new();
                let mut names: BTreeMap<String, String> = BTreeMap::new();
                for op in 0..12 {
                    let ids: Vec<String> = model.keys().cloned().collect();
                    match (rng.u8(0..4), rng.choice(&ids)) {
                        (0, Some(id)) => {
                            let mut update = fixture("requests/credential/update-snowflake.json");
                            update["id"] = json!(id);
                            update["name"] = json!(names[id]);
                            update["username"] = json!(format!("w{writer}-{op}"));
                            let (status, body) = api
                                .post(&format!("/api/service/credentials/{id}"), &update)
                                .await;
                            assert_eq!(status, StatusCode::OK, "{body}");
                            model.insert(id.clone(), format!("w{writer}-{op}"));
                        }
                        (1, Some(id)) => {
                            let (status, _) = api
                                .post_empty(&format!("/api/service/credentials/{id}/archive"))
                                .await;
                            assert_eq!(status, StatusCode::OK);
                            model.remove(id);
                        }
                        _ => {
                            let name = format!("w{writer}-c{op}");
                            let id = create_credential(&api, &name).await.unwrap();
                            model.insert(id.clone(), "username".to_owned());
                            names.insert(id, name);
                        }
                    }
                }
                model
            })
        })
        .collect();
    let mut expected = BTreeMap::new();
    for writer in writers {
        expected.extend(writer.await.unwrap());
    }
    sandbox.shutdown().await;

    let (sandbox, api) = empty_with_state(&path).await;
    let (_, list) = api.get("/api/service/credentials?limit=1000000").await;
    let stored: BTreeMap<String, String> = list["records"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|record| {
            (
                record["id"].as_str().unwrap().to_owned(),
                record["username"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(stored, expected);
    assert!(
        expected.len() > 32,
        "the model kept {} credentials",
        expected.len()
    );
    sandbox.shutdown().await;
    std::fs::remove_file(&path).unwrap();
}
