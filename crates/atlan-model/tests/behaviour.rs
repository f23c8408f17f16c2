//! What the models do beyond decoding: Atlan's documented recipes, helpers, validation.

mod common;

use atlan_model::{
    ApiErrorBody, Credential, CredentialListResponse, CredentialResponse, CredentialTestResponse,
    DagTask, ErrorCode, PackageParameter, ParameterError, Progress, RunStatus, Workflow,
    WorkflowPackage, WorkflowPhase, WorkflowResponse, WorkflowSchedule, WorkflowScheduleList,
    WorkflowScheduleResponse, WorkflowSearchResponse, WorkflowSearchResultDetail, WorkflowSpec,
    decode,
};
use common::{Kind, first_difference, fixture, fixtures_of};
use serde_json::{Value, json};

/// Atlan's documented "update workflow configuration": find by id, enable lineage on the first task, and send
/// the workflow back. Only that parameter changes; the result is the spec the server then stores.
#[test]
fn update_workflow_configuration_recipe_changes_exactly_one_parameter() {
    let found: WorkflowSearchResponse = decode(&fixture(
        "responses/workflows-search/find-by-id-snowflake-crawler.json",
    ))
    .unwrap();
    let hit = found.first().unwrap();
    let mut workflow = hit.to_workflow();
    let previous = workflow.set_parameter("enable-lineage", true).unwrap();
    assert_eq!(previous, json!("false"));

    let sent = serde_json::to_value(&workflow).unwrap();
    let mut expected = json!({
        "metadata": serde_json::to_value(&hit.source.metadata).unwrap(),
        "spec": serde_json::to_value(&hit.source.spec).unwrap(),
        "payload": [],
    });
    let parameters = expected["spec"]["templates"][0]["dag"]["tasks"][0]["arguments"]["parameters"]
        .as_array_mut()
        .unwrap();
    let lineage = parameters
        .iter_mut()
        .find(|p| p["name"] == "enable-lineage")
        .unwrap();
    lineage["value"] = json!(true);
    assert_eq!(first_difference(&expected, &sent), None);

    let stored: WorkflowResponse = decode(&fixture("responses/workflow/update.json")).unwrap();
    assert_eq!(stored.spec.as_ref(), Some(&workflow.spec));
}

#[test]
fn setting_an_unknown_parameter_names_the_ones_that_exist() {
    let mut workflow: Workflow =
        decode(&fixture("requests/workflow/snowflake_basic.json")).unwrap();
    let error = workflow.set_parameter("enable-lienage", true).unwrap_err();
    let ParameterError::Unknown {
        task,
        name,
        available,
    } = &error
    else {
        panic!("unexpected {error:?}");
    };
    assert_eq!((task.as_str(), name.as_str()), ("run", "enable-lienage"));
    assert!(available.contains(&"enable-lineage".to_owned()));
    assert!(
        error
            .to_string()
            .contains("has no parameter `enable-lienage`; it has: extract-strategy")
    );
    assert_eq!(
        workflow.parameter("enable-lienage"),
        None,
        "nothing was added"
    );

    let mut empty = Workflow::new(Default::default(), WorkflowSpec::default());
    assert_eq!(empty.set_parameter("x", 1), Err(ParameterError::NoTask));
}

#[test]
fn insert_parameter_adds_or_replaces() {
    let mut task = DagTask::named("run");
    assert_eq!(task.insert_parameter("a", "1"), None);
    assert_eq!(task.insert_parameter("a", 2), Some(json!("1")));
    assert_eq!(task.set_parameter("a", false), Ok(json!(2)));
    assert_eq!(task.parameters().len(), 1);
    assert_eq!(
        serde_json::to_value(&task).unwrap(),
        json!({"name": "run", "arguments": {"parameters": [{"name": "a", "value": false}]}})
    );
}

#[test]
fn every_package_request_names_its_package_in_the_task_template_ref() {
    for request in fixtures_of(Kind::Workflow) {
        let workflow: Workflow = decode(&request.bytes).unwrap();
        let task = workflow.spec.first_task().unwrap();
        let template = task
            .template_ref
            .as_ref()
            .and_then(|r| r.name.as_deref())
            .unwrap();
        let package = WorkflowPackage::from(template);
        assert!(
            package.is_known(),
            "{}: unknown package {template}",
            request.name
        );
        assert_eq!(workflow.spec.tasks().count(), 1, "{}", request.name);
    }
}

#[test]
fn run_search_hits_expose_phase_template_and_name() {
    let response: WorkflowSearchResponse = decode(&fixture(
        "responses/runs-search/runs-by-status-and-time.json",
    ))
    .unwrap();
    assert_eq!(response.total(), Some(3));
    let summary: Vec<_> = response
        .hits()
        .iter()
        .map(|hit| {
            (
                hit.name(),
                hit.phase().cloned(),
                hit.workflow_template_name(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "atlan-snowflake-miner-1714638976-mzdza",
                Some(WorkflowPhase::Succeeded),
                Some("atlan-snowflake-miner-1714638976")
            ),
            (
                "atlan-snowflake-1714638976-k2x7q",
                Some(WorkflowPhase::Failed),
                Some("atlan-snowflake-1714638976")
            ),
            (
                "atlan-snowflake-miner-1714638976-9wfxz",
                Some(WorkflowPhase::Succeeded),
                Some("atlan-snowflake-miner-1714638976")
            ),
        ]
    );
    let workflows: WorkflowSearchResponse =
        decode(&fixture("responses/workflows-search/find-by-type.json")).unwrap();
    assert!(workflows.hits().iter().all(|hit| hit.phase().is_none()));
    let empty: WorkflowSearchResponse =
        decode(&fixture("responses/runs-search/empty.json")).unwrap();
    assert_eq!((empty.total(), empty.first()), (Some(0), None));
}

#[test]
fn argo_runs_parse_progress_and_template_names() {
    let mut with_progress = 0;
    for run in fixtures_of(Kind::ArgoObject) {
        let detail: WorkflowSearchResultDetail = decode(&run.bytes).unwrap();
        let Some(status) = &detail.status else {
            continue;
        };
        if let Some(text) = &status.progress {
            let progress = status
                .progress()
                .unwrap_or_else(|| panic!("{}: {text}", run.name));
            assert_eq!(&progress.to_string(), text);
            with_progress += 1;
        }
    }
    assert!(with_progress >= 9);

    let stored: WorkflowSearchResultDetail = decode(&fixture(
        "argo/workflow/succeeded-workflowtemplateref-stored-spec.json",
    ))
    .unwrap();
    assert!(stored.spec.templates.is_none() && stored.spec.templates().is_empty());
    assert!(stored.workflow_template_name().is_some());
}

#[test]
fn a_null_field_stays_null_until_it_is_set() {
    let mut status: RunStatus = decode(br#"{"phase":"Running","finishedAt":null}"#).unwrap();
    assert_eq!(status.finished_at, None);
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        json!({"phase":"Running","finishedAt":null})
    );
    status.finished_at = Some("2024-11-18T05:51:53Z".into());
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        json!({"phase":"Running","finishedAt":"2024-11-18T05:51:53Z"})
    );
    let absent: RunStatus = decode(br#"{"phase":"Running"}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&absent).unwrap(),
        json!({"phase":"Running"})
    );
    assert_ne!(
        absent,
        decode::<RunStatus>(br#"{"phase":"Running","finishedAt":null}"#).unwrap()
    );
}

/// A list read as empty is written back as it came: `null` as `null`, absent as absent, `[]` as `[]`;
/// one built in code is written as `[]`, and one that gained items is written whole.
#[test]
fn an_empty_list_is_written_back_as_it_came() {
    for body in [r#"{"records":null}"#, r#"{"records":[]}"#, r#"{"other":1}"#] {
        let list: CredentialListResponse = decode(body.as_bytes()).unwrap();
        assert!(list.records.is_empty(), "{body}");
        assert_eq!(serde_json::to_string(&list).unwrap(), body);
    }
    assert_eq!(
        serde_json::to_value(CredentialListResponse::default()).unwrap(),
        json!({"records": []})
    );
    let mut absent: CredentialListResponse = decode(br#"{}"#).unwrap();
    absent.records.push(decode(br#"{"id":"c1"}"#).unwrap());
    assert_eq!(
        serde_json::to_value(&absent).unwrap(),
        json!({"records": [{"id": "c1"}]})
    );
}

#[test]
fn progress_parses_n_of_m_only() {
    assert_eq!(
        "3/5".parse::<Progress>().unwrap(),
        Progress::new(3, 5).unwrap()
    );
    assert!("0/0".parse::<Progress>().is_ok_and(|p| !p.is_complete()));
    assert!("4/4".parse::<Progress>().is_ok_and(|p| p.is_complete()));
    for bad in ["", "3", "6/5", "a/b", "-1/2", "1/2/3", " 1/2"] {
        let error = bad.parse::<Progress>().unwrap_err();
        assert!(error.to_string().contains(&format!("`{bad}`")), "{error}");
    }
}

#[test]
fn schedules_are_validated_and_read_back() {
    assert!(WorkflowSchedule::new("0 5 * * 1-5", "America/New_York").is_ok());
    assert!(WorkflowSchedule::new("@daily", "UTC").is_ok());
    let error = WorkflowSchedule::new("0 5 * *", "UTC").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid cron expression `0 5 * *`: expected 5 fields (minute hour day-of-month month day-of-week), found 4"
    );
    assert!(WorkflowSchedule::new("@daily now", "UTC").is_err());
    assert!(WorkflowSchedule::new("0 5 * * *", " ").is_err());
    // What the probe got through: out-of-range values, zero steps, invented and path-like zones.
    for (cron, timezone) in [
        ("61 * * * *", "UTC"),
        ("*/0 * * * *", "UTC"),
        ("0 25 * * *", "UTC"),
        ("0 0 32 * *", "UTC"),
        ("0 0 * 13 *", "UTC"),
        ("@every 0s", "UTC"),
        ("@every soon", "UTC"),
        ("@fortnightly", "UTC"),
        ("0 5 * * *", "Mars/Olympus"),
        ("0 5 * * *", "../../etc/passwd"),
        ("0 5 * * *", "/etc/localtime"),
    ] {
        assert!(
            WorkflowSchedule::new(cron, timezone).is_err(),
            "{cron} {timezone}"
        );
    }
    for (cron, timezone) in [
        ("*/15 0-6 1,15 JAN-MAR MON-FRI", "Europe/Paris"),
        ("@every 1h30m", "Asia/Kolkata"),
        ("@hourly", "America/Argentina/Buenos_Aires"),
        ("0 0 * * 7", "Etc/GMT+5"),
    ] {
        assert!(
            WorkflowSchedule::new(cron, timezone).is_ok(),
            "{cron} {timezone}"
        );
    }

    let cron: WorkflowScheduleResponse = decode(&fixture("responses/schedule/get.json")).unwrap();
    assert_eq!(
        cron.schedule(),
        Some(WorkflowSchedule::new("45 5 * * *", "Europe/Paris").unwrap())
    );
    let list: WorkflowScheduleList = decode(&fixture("responses/schedule-list/list.json")).unwrap();
    assert_eq!(list.items().len(), 2);
    let empty: WorkflowScheduleList =
        decode(&fixture("responses/schedule-list/empty.json")).unwrap();
    assert!(empty.items().is_empty());
    assert_eq!(
        serde_json::to_value(&empty).unwrap(),
        json!({"metadata": {}, "items": null})
    );
}

#[test]
fn scheduling_a_workflow_sets_and_clears_the_annotations() {
    let mut workflow: Workflow =
        decode(&fixture("requests/workflow/snowflake_basic.json")).unwrap();
    assert_eq!(workflow.schedule(), None);
    let schedule = WorkflowSchedule::new("45 5 * * *", "Europe/Paris").unwrap();
    schedule.apply_to(&mut workflow);
    let annotations = &serde_json::to_value(&workflow).unwrap()["metadata"]["annotations"];
    assert_eq!(
        annotations["orchestration.atlan.com/schedule"],
        "45 5 * * *"
    );
    assert_eq!(
        annotations["orchestration.atlan.com/timezone"],
        "Europe/Paris"
    );
    assert_eq!(
        WorkflowSchedule::remove_from(&mut workflow).as_deref(),
        Some("45 5 * * *")
    );
    let annotations = &serde_json::to_value(&workflow).unwrap()["metadata"]["annotations"];
    assert_eq!(annotations.get("orchestration.atlan.com/schedule"), None);
    assert_eq!(
        annotations["orchestration.atlan.com/timezone"],
        "Europe/Paris"
    );
}

#[test]
fn every_error_fixture_has_a_code_or_a_message() {
    for error in fixtures_of(Kind::ErrorBody) {
        let body: ApiErrorBody = decode(&error.bytes).unwrap();
        assert!(body.message().is_some(), "{}: no message", error.name);
        let shown = body.to_string();
        assert!(
            shown.contains(body.message().unwrap()),
            "{}: {shown}",
            error.name
        );
    }
    let argo: ApiErrorBody =
        decode(&fixture("responses/error/404-workflow-not-found.json")).unwrap();
    assert_eq!(argo.code(), Some(&ErrorCode::Number(5)));
    let conflict: ApiErrorBody =
        decode(&fixture("responses/error/409-credential-exists.json")).unwrap();
    assert_eq!(
        conflict.doc(),
        Some("https://ask.atlan.com/hc/en-us/articles/6600000409")
    );
    assert_eq!(conflict.causes().len(), 1);
    let internal: ApiErrorBody = decode(&fixture("responses/error/500-internal.json")).unwrap();
    assert_eq!(internal.doc(), Some("https://status.atlan.com"));
}

#[test]
fn credential_tests_and_responses() {
    let ok: CredentialTestResponse =
        decode(&fixture("responses/credential-test/successful.json")).unwrap();
    let failed: CredentialTestResponse =
        decode(&fixture("responses/credential-test/failed.json")).unwrap();
    assert!(ok.is_successful() && !failed.is_successful());

    let response: CredentialResponse = decode(&fixture("responses/credential/get.json")).unwrap();
    let credential = response.to_credential();
    let sent = serde_json::to_value(&credential).unwrap();
    assert_eq!(sent["id"], "972a87c1-28d7-8bf2-896d-ea5bd3e9c691");
    assert_eq!(
        sent["extra"],
        json!({"role": "test-role", "warehouse": "test-warehouse"})
    );
    assert_eq!(sent.get("password"), None);
    assert!(credential.has_login(), "the username came back");
    assert!(!Credential::new("no-login").has_login());

    let seed: Credential = decode(&fixture("requests/credential/create-snowflake.json")).unwrap();
    let payload = PackageParameter::credential("credentialGuid", &seed).unwrap();
    let back = payload.to_credential().unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&seed).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&payload).unwrap()["type"],
        Value::from("credential")
    );
}

#[test]
fn a_node_without_its_id_name_or_type_reads_as_empty_and_is_written_back_as_it_came() {
    let status = json!({"phase": "Failed", "nodes": {
        "run-1": {"phase": "Failed", "message": "no id"},
        "run-2": {"id": null, "name": "run.extract", "type": "Pod"}
    }});
    let read: RunStatus = serde_json::from_value(status.clone()).unwrap();
    let nodes: Vec<_> = read.nodes().collect();
    assert_eq!(nodes[0].1.id, "");
    assert_eq!(nodes[0].1.kind, "");
    assert_eq!(nodes[1].1.name, "run.extract");
    assert_eq!(serde_json::to_value(&read).unwrap(), status, "lossless");
}
