//! Concurrent loopback clients against a started sandbox: the read load (`find_by_id`, runs by
//! status and time) and the mixed-write load with its lost-update check.
//!
//! Shared by `tests/concurrency.rs` (small, always run) and `benches/load.rs` (the figures).

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use atlan_model::WorkflowPhase;
use atlan_query::workflows::{self, TimeBounds};
use http::StatusCode;
use serde_json::{Value, json};

use crate::common::Api;

/// What one read load measured.
#[derive(Debug)]
pub struct ReadReport {
    /// Requests answered 2xx.
    pub ok: usize,
    /// Requests answered otherwise, with a sample.
    pub failed: Vec<(StatusCode, String)>,
    /// Wall time for all of them.
    pub elapsed: Duration,
    /// Latency of every request, sorted.
    pub latencies: Vec<Duration>,
}

impl ReadReport {
    /// Requests per second.
    pub fn per_second(&self) -> f64 {
        (self.ok + self.failed.len()) as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at `quantile` (0.0..=1.0).
    pub fn quantile(&self, quantile: f64) -> Duration {
        let last = self.latencies.len().saturating_sub(1);
        let index = ((last as f64) * quantile).round() as usize;
        self.latencies
            .get(index.min(last))
            .copied()
            .unwrap_or_default()
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "{} requests in {:.2?}: {:.0} req/s, p50 {:.2?}, p99 {:.2?}, max {:.2?}, {} failed",
            self.ok + self.failed.len(),
            self.elapsed,
            self.per_second(),
            self.quantile(0.5),
            self.quantile(0.99),
            self.quantile(1.0),
            self.failed.len(),
        )
    }
}

/// `clients` concurrent clients, each on its own connection, each sending `per_client` searches
/// to `path` with the bodies `body(client, request)` gives.
pub async fn read_load(
    base: &str,
    key: &str,
    clients: usize,
    per_client: usize,
    path: &'static str,
    body: impl Fn(usize, usize) -> Value + Clone + Send + 'static,
) -> ReadReport {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let api = Api::new(base, key);
            let body = body.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_client);
                let mut failed = Vec::new();
                for request in 0..per_client {
                    let payload = body(client, request).to_string().into_bytes();
                    let sent = Instant::now();
                    let answer = api.send_raw(http::Method::POST, path, payload).await;
                    latencies.push(sent.elapsed());
                    match answer {
                        Ok((status, _)) if status.is_success() => {}
                        Ok((status, body)) => {
                            failed.push((status, String::from_utf8_lossy(&body).into_owned()));
                        }
                        Err(error) => failed.push((StatusCode::from_u16(599).unwrap(), error)),
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(clients * per_client);
    let mut failed = Vec::new();
    for task in tasks {
        let (mine, errors) = task.await.expect("a client task");
        latencies.extend(mine);
        failed.extend(errors);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    ReadReport {
        ok: latencies.len() - failed.len(),
        failed,
        elapsed,
        latencies,
    }
}

/// The names of `count` workflows of the sandbox.
pub async fn workflow_names(api: &Api, count: usize) -> Vec<String> {
    let (status, found) = api
        .post(
            "/api/service/workflows/indexsearch",
            &json!({"from": 0, "size": count}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["hits"]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|hit| hit["_id"].as_str().map(str::to_owned))
        .collect()
}

/// The `find_by_id` body for one of `names`.
pub fn find_by_id_body(names: &[String], client: usize, request: usize) -> Value {
    let name = &names[(client * 7919 + request * 31) % names.len()];
    serde_json::to_value(workflows::find_by_id(name).unwrap()).unwrap()
}

/// A runs-by-status search shaped like Atlan's documented example (`find_runs_by_status_and_time_range`
/// with `started_at="now-6h"`, `finished_at="now-1h"`): finished runs, or running ones, started in
/// the last 1 to 24 hours and finished in the last 1 to 6.
pub fn runs_by_status_body(client: usize, request: usize) -> Value {
    let started = 1 + (client * 7 + request) % 24;
    let finished = 1 + (client + request) % 6;
    let (phases, finished) = if request % 4 == 3 {
        (vec![WorkflowPhase::Running], TimeBounds::any())
    } else {
        (
            vec![WorkflowPhase::Succeeded, WorkflowPhase::Failed],
            TimeBounds::since(format!("now-{finished}h").parse().unwrap()),
        )
    };
    let search = workflows::runs_by_status_and_time(
        &phases,
        &TimeBounds::since(format!("now-{started}h").parse().unwrap()),
        &finished,
        0,
        100,
    )
    .unwrap();
    serde_json::to_value(search).unwrap()
}

/// A wide runs-by-status search: finished runs started in the last 1 to 48 hours, with no bound on
/// when they finished (thousands of matches over the synthetic tenant).
pub fn wide_runs_by_status_body(client: usize, request: usize) -> Value {
    let hours = 1 + (client + request) % 48;
    let search = workflows::runs_by_status_and_time(
        &[WorkflowPhase::Succeeded, WorkflowPhase::Failed],
        &TimeBounds::since(format!("now-{hours}h").parse().unwrap()),
        &TimeBounds::any(),
        0,
        100,
    )
    .unwrap();
    serde_json::to_value(search).unwrap()
}

/// What the mixed writes did, as the clients saw it.
#[derive(Debug, Default)]
pub struct WriteReport {
    /// Acknowledged (2xx) updates per workflow.
    pub updates: HashMap<String, u64>,
    /// Acknowledged re-runs per workflow.
    pub reruns: HashMap<String, u64>,
    /// Names of the credentials whose creation was acknowledged.
    pub credentials: Vec<String>,
    /// Every answer that was not 2xx, with the operation.
    pub failures: Vec<(String, StatusCode, String)>,
    /// Wall time.
    pub elapsed: Duration,
    /// Writes sent.
    pub writes: usize,
}

/// What the sandbox shows before the writes, to compare with after.
#[derive(Debug)]
pub struct Before {
    generations: HashMap<String, i64>,
    runs: HashMap<String, u64>,
    credentials: usize,
}

async fn workflow_document(api: &Api, name: &str) -> Value {
    let body = serde_json::to_value(workflows::find_by_id(name).unwrap()).unwrap();
    let (status, found) = api.post("/api/service/workflows/indexsearch", &body).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["hits"]["hits"][0]["_source"].clone()
}

async fn run_count(api: &Api, workflow: &str) -> u64 {
    let body = json!({
        "from": 0, "size": 0, "track_total_hits": true,
        "query": {"nested": {"path": "spec", "query": {"term": {"spec.workflowTemplateRef.name.keyword": workflow}}}},
    });
    let (status, found) = api.post("/api/service/runs/indexsearch", &body).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["hits"]["total"]["value"].as_u64().expect("a total")
}

async fn credential_count(api: &Api) -> usize {
    let (status, listed) = api.get("/api/service/credentials?limit=100000").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    // `"records": null` when there are none, as on a tenant.
    match &listed["records"] {
        Value::Null => 0,
        records => records.as_array().expect("records").len(),
    }
}

/// Records what the check compares against.
pub async fn before(api: &Api, hot: &[String]) -> Before {
    let mut generations = HashMap::new();
    let mut runs = HashMap::new();
    for name in hot {
        let document = workflow_document(api, name).await;
        generations.insert(
            name.clone(),
            document["metadata"]["generation"].as_i64().unwrap_or(1),
        );
        runs.insert(name.clone(), run_count(api, name).await);
    }
    Before {
        generations,
        runs,
        credentials: credential_count(api).await,
    }
}

/// `clients` clients, each sending `per_client` writes: updates and re-runs of the `hot` workflows
/// (all clients contend for the same few) and credential creations.
pub async fn mixed_writes(
    base: &str,
    key: &str,
    clients: usize,
    per_client: usize,
    hot: &[String],
) -> WriteReport {
    let api = Api::new(base, key);
    let mut documents = Vec::new();
    for name in hot {
        documents.push(workflow_document(&api, name).await);
    }
    let credential = json!({
        "authType": "basic", "connector": "snowflake", "connectorConfigName": "atlan-connectors-snowflake",
        "username": "loader", "password": "load-secret", "host": "load.example.com", "port": 443,
        "extra": {"role": "loader", "warehouse": "load"},
    });
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let api = Api::new(base, key);
            let documents = documents.clone();
            let credential = credential.clone();
            tokio::spawn(async move {
                let mut report = WriteReport::default();
                for write in 0..per_client {
                    let document = &documents[(client + write) % documents.len()];
                    let name = document["metadata"]["name"].as_str().unwrap().to_owned();
                    let (operation, path, body) = match write % 4 {
                        0 | 1 => {
                            let mut spec = document["spec"].clone();
                            spec["arguments"] = json!({"parameters": [
                                {"name": "written-by", "value": format!("{client}-{write}")},
                            ]});
                            let body = json!({"metadata": document["metadata"], "spec": spec});
                            ("update", format!("/api/service/workflows/{name}"), body)
                        }
                        2 => (
                            "rerun",
                            "/api/service/workflows/submit".to_owned(),
                            json!({"namespace": "default", "resourceKind": "WorkflowTemplate", "resourceName": name}),
                        ),
                        _ => {
                            let mut body = credential.clone();
                            body["name"] = json!(format!("load-{client}-{write}"));
                            (
                                "credential",
                                "/api/service/credentials?testCredential=true".to_owned(),
                                body,
                            )
                        }
                    };
                    report.writes += 1;
                    let answer = api
                        .send_raw(http::Method::POST, &path, body.to_string().into_bytes())
                        .await;
                    match answer {
                        Ok((status, _)) if status.is_success() => match operation {
                            "update" => *report.updates.entry(name).or_default() += 1,
                            "rerun" => *report.reruns.entry(name).or_default() += 1,
                            _ => report
                                .credentials
                                .push(body["name"].as_str().unwrap().to_owned()),
                        },
                        Ok((status, body)) => report.failures.push((
                            operation.to_owned(),
                            status,
                            String::from_utf8_lossy(&body).into_owned(),
                        )),
                        Err(error) => report.failures.push((
                            operation.to_owned(),
                            StatusCode::from_u16(599).unwrap(),
                            error,
                        )),
                    }
                }
                report
            })
        })
        .collect();
    let mut total = WriteReport::default();
    for task in tasks {
        let report = task.await.expect("a client task");
        for (name, count) in report.updates {
            *total.updates.entry(name).or_default() += count;
        }
        for (name, count) in report.reruns {
            *total.reruns.entry(name).or_default() += count;
        }
        total.credentials.extend(report.credentials);
        total.failures.extend(report.failures);
        total.writes += report.writes;
    }
    total.elapsed = started.elapsed();
    total
}

/// Every acknowledged write is there: each update raised its workflow's generation by one, each
/// re-run added a run, each credential is listed. Returns what is missing.
pub async fn lost_updates(api: &Api, before: &Before, report: &WriteReport) -> Vec<String> {
    let mut lost = Vec::new();
    for (name, generation) in &before.generations {
        let document = workflow_document(api, name).await;
        let now = document["metadata"]["generation"].as_i64().unwrap_or(0);
        let expected = generation + report.updates.get(name).copied().unwrap_or(0) as i64;
        if now != expected {
            lost.push(format!(
                "{name}: generation {now}, expected {expected} after the acknowledged updates"
            ));
        }
        let runs = run_count(api, name).await;
        let expected = before.runs[name] + report.reruns.get(name).copied().unwrap_or(0);
        if runs != expected {
            lost.push(format!(
                "{name}: {runs} runs, expected {expected} after the acknowledged re-runs"
            ));
        }
    }
    let credentials = credential_count(api).await;
    let expected = before.credentials + report.credentials.len();
    if credentials != expected {
        lost.push(format!(
            "{credentials} credentials, expected {expected} after the acknowledged creations"
        ));
    }
    lost
}
