//! The ops functions over a sandbox through the facade, with every request recorded: doctor tests
//! each credential in use once, and the figures leave out an API the tenant does not serve.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use atlan_ops::{Api, ApiChoice, Selection, Window};
use atlan_sandbox::{Clock, FaultRule};
use atlan_testkit::{Recorder, clock, sandbox_with};

mod common;

use common::client;

#[tokio::test]
async fn doctor_tests_each_credential_in_use_once_and_writes_nothing() {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let recorder = Recorder::default();
    let client = client(&sandbox, &recorder);
    let now = clock.now();
    let window = Window::parse("now-7d", None, now).unwrap();
    let report = atlan_ops::doctor::run(&client, ApiChoice::All, &window, now, &Default::default())
        .await
        .unwrap();
    let requests = recorder.requests();
    let mut tests: BTreeMap<String, usize> = BTreeMap::new();
    for request in &requests {
        if let Some(path) = request.strip_prefix("POST /api/service/credentials/")
            && let Some(guid) = path.strip_suffix("/test")
        {
            *tests.entry(guid.to_owned()).or_default() += 1;
        }
    }
    assert!(
        !tests.is_empty(),
        "the default tenant's workflows use credentials"
    );
    assert!(tests.values().all(|count| *count == 1), "{tests:?}");
    assert_eq!(tests.len(), report.credential_tests);
    // Read-only: searches and credential tests are POSTs, nothing else is.
    for request in &requests {
        let read = request.starts_with("GET ")
            || request.contains("indexsearch")
            || request.ends_with("/test");
        assert!(read, "doctor sent a write: {request}");
    }
}

#[tokio::test]
async fn the_figures_leave_out_an_api_the_tenant_does_not_serve() {
    let clock = clock();
    let sandbox = sandbox_with(&clock, |builder| builder).await;
    let recorder = Recorder::default();
    let client = client(&sandbox, &recorder);
    let window = Window::parse("now-7d", None, clock.now()).unwrap();
    let all = atlan_ops::stats_report(&client, &Selection::new(ApiChoice::All), &window)
        .await
        .unwrap();
    assert!(all.rows.iter().any(|row| row.api == Api::Apps));
    assert!(all.skipped.is_empty());

    sandbox
        .faults()
        .add(FaultRule::status("POST /api/meta/search/indexsearch", 404))
        .unwrap();
    let legacy_only = atlan_ops::stats_report(&client, &Selection::new(ApiChoice::All), &window)
        .await
        .unwrap();
    assert_eq!(legacy_only.skipped, [Api::Apps]);
    assert!(legacy_only.rows.iter().all(|row| row.api == Api::Legacy));
    assert_eq!(
        legacy_only.rows.len(),
        all.rows.iter().filter(|row| row.api == Api::Legacy).count()
    );
    // Asked for by name, an API that is not served is an error.
    let apps = atlan_ops::stats_report(&client, &Selection::new(ApiChoice::Apps), &window).await;
    assert!(apps.is_err());
}
