"""Every operation of the "Manage workflows" page, run by the official Python SDK (pyatlan 10.0.0)
against a sandbox started with the default seed. Each step asserts on what the SDK returns.

Run by `cargo xtask compat`, which starts the sandbox and sets ATLAN_BASE_URL and ATLAN_API_KEY.
"""


from pyatlan.client.atlan import AtlanClient
from pyatlan.errors import AtlanError
from pyatlan.model.credential import Credential
from pyatlan.model.enums import AtlanWorkflowPhase, WorkflowPackage

from steps import advance_clock, run, step

MINER = "atlan-snowflake-miner-1714638976"
CRAWLER = "atlan-snowflake-1714638976"
CREDENTIAL_GUID = "972a87c1-28d7-8bf2-896d-ea5bd3e9c691"

client = AtlanClient()



@step("retrieve workflows by type")
def by_type():
    results = client.workflow.find_by_type(prefix=WorkflowPackage.SNOWFLAKE_MINER, max_results=5)
    ids = [result.id for result in results]
    assert MINER in ids, ids
    assert all(i.startswith("atlan-snowflake-miner-") for i in ids), ids
    crawlers = client.workflow.find_by_type(prefix=WorkflowPackage.SNOWFLAKE, max_results=50)
    assert all(not c.id.startswith("atlan-snowflake-miner-") for c in crawlers), "a prefix query bug"
    return f"{len(ids)} miner workflows"


@step("retrieve workflow by id")
def by_id():
    result = client.workflow.find_by_id(id=MINER)
    assert result is not None and result.id == MINER
    assert result.source.metadata.name == MINER
    return result.source.spec.templates[0].dag.tasks[0].template_ref.name


@step("retrieve workflow run by id")
def run_by_id():
    run = client.workflow.find_run_by_id(id=f"{MINER}-mzdza")
    assert run is not None and run.id == f"{MINER}-mzdza"
    assert run.status == AtlanWorkflowPhase.SUCCESS, run.status
    return run.source.status.progress


@step("retrieve workflow runs by their phase")
def runs_by_phase():
    # pyatlan 10 answers a paging WorkflowSearchResponse (the page's snippet indexes a list).
    running = list(client.workflow.get_runs(workflow_name=MINER, workflow_phase=AtlanWorkflowPhase.RUNNING, from_=0, size=100))
    assert running and all(r.status == AtlanWorkflowPhase.RUNNING for r in running), running
    succeeded = list(client.workflow.get_runs(workflow_name=MINER, workflow_phase=AtlanWorkflowPhase.SUCCESS))
    assert succeeded and f"{MINER}-mzdza" in [r.id for r in succeeded]
    return f"{len(running)} running, {len(succeeded)} succeeded"


@step("retrieve workflow runs by status and time range")
def runs_by_status_and_time():
    results = client.workflow.find_runs_by_status_and_time_range(
        status=[AtlanWorkflowPhase.SUCCESS, AtlanWorkflowPhase.FAILED],
        started_at="now-6h",
        finished_at="now-1h",
        from_=0,
        size=2,
    )
    seen = [result for result in results]  # walks every page
    assert seen, "expected finished runs in the last hours"
    assert all(r.status in (AtlanWorkflowPhase.SUCCESS, AtlanWorkflowPhase.FAILED) for r in seen)
    assert len({r.id for r in seen}) == len(seen), "pages overlap"
    assert results.count == len(seen), (results.count, len(seen))
    return f"{len(seen)} runs over pages of 2"


@step("stop a running workflow")
def stop():
    runs = list(client.workflow.get_runs(workflow_name=MINER, workflow_phase=AtlanWorkflowPhase.RUNNING))
    response = client.workflow.stop(workflow_run_id=runs[0].id)
    # As on a tenant: still Running with the shutdown set; Argo fails it a moment later. The
    # sandbox's clock is moved past that moment instead of waiting for it.
    assert response.status.phase == AtlanWorkflowPhase.RUNNING, response.status.phase
    advance_clock("2s")
    stopped = client.workflow.find_run_by_id(id=runs[0].id)
    assert stopped.status == AtlanWorkflowPhase.FAILED, stopped.status
    try:
        client.workflow.stop(workflow_run_id=runs[0].id)
        raise AssertionError("stopping a finished run must fail")
    except AtlanError as error:
        assert "409" in str(error) or "completed" in str(error), error
    return runs[0].id


@step("update workflow configuration (enable lineage)")
def update_configuration():
    result = client.workflow.find_by_id(id=CRAWLER)
    workflow_task = result.source.spec.templates[0].dag.tasks[0]
    for option in workflow_task.arguments.parameters:
        if option.name == "enable-lineage":
            assert option.value == "false", option.value
            option.value = True
    response = client.workflow.update(workflow=result.to_workflow())
    assert response.metadata.name == CRAWLER
    again = client.workflow.find_by_id(id=CRAWLER)
    values = {p.name: p.value for p in again.source.spec.templates[0].dag.tasks[0].arguments.parameters}
    assert values["enable-lineage"] is True, values["enable-lineage"]
    return "enable-lineage = true"


@step("create workflow credentials (with a test)")
def create_credential():
    credential = Credential()
    credential.name = "snowflake-credential"
    credential.connector_config_name = "atlan-connectors-snowflake"
    credential.connector = "snowflake"
    credential.auth_type = "basic"
    credential.username = "username"
    credential.password = "password"
    credential.extras = {"role": "role-here", "warehouse": "warehouse-here"}
    credential.host = "test-host"
    credential.port = 1234
    response = client.credentials.creator(credential=credential, test=True)
    assert response.id and response.name == "snowflake-credential"
    assert response.extras == {"role": "role-here", "warehouse": "warehouse-here"}
    created["id"] = response.id
    bad = Credential(name="bad", connector_config_name="atlan-connectors-snowflake", auth_type="basic", username="u", password="wrong-password")
    try:
        client.credentials.creator(credential=bad, test=True)
        raise AssertionError("a failing test must refuse the credential")
    except AtlanError as error:
        assert "authentication failed" in str(error), error
    return response.id


created = {}


@step("retrieve all workflow credentials")
def list_credentials():
    everything = client.credentials.get_all()
    assert len(everything.records) > 10
    snowflake = client.credentials.get_all(filter={"connector": "snowflake"}, limit=5, offset=1)
    assert 0 < len(snowflake.records) <= 5 and all(r.connector == "snowflake" for r in snowflake.records)
    by_workflow = client.credentials.get_all(workflow_name="atlan-bigquery-1735837155")
    assert [r.name for r in by_workflow.records] == ["default-bigquery-1735837155-0"], [r.name for r in by_workflow.records]
    try:
        client.credentials.get_all(filter={"owner": "me"})
        raise AssertionError("an unknown filter key must be refused")
    except AtlanError as error:
        assert "owner" in str(error), error
    return f"{len(everything.records)} credentials"


@step("update workflow source credentials (get, test and update)")
def test_and_update():
    snowflake_credential = client.credentials.get(guid=CREDENTIAL_GUID).to_credential()
    snowflake_credential.auth_type = "basic"
    snowflake_credential.username = "username"
    snowflake_credential.password = "password"
    snowflake_credential.extras = {"role": "role-here", "warehouse": "warehouse-here"}
    assert client.credentials.test(credential=snowflake_credential).is_successful
    response = client.credentials.test_and_update(credential=snowflake_credential)
    assert response.id == CREDENTIAL_GUID and response.username == "username"
    assert response.extras == {"role": "role-here", "warehouse": "warehouse-here"}
    snowflake_credential.password = "wrong-password"
    assert not client.credentials.test(credential=snowflake_credential).is_successful
    return response.version


@step("hard-delete workflow credentials")
def purge():
    assert client.credentials.purge_by_guid(guid=created["id"]) is None
    try:
        client.credentials.get(guid=created["id"])
        raise AssertionError("a purged credential must be gone")
    except AtlanError as error:
        assert "404" in str(error) or "not found" in str(error).lower(), error
    return created["id"]


@step("delete a workflow")
def delete():
    client.workflow.delete(workflow_name=MINER)
    assert client.workflow.find_by_id(id=MINER) is None
    return MINER


# Beyond the page: the rest of pyatlan's workflow client.


@step("run a new workflow (from a package request body), then re-run it")
def run_and_rerun():
    import json, os
    from pyatlan.model.workflow import Workflow, WorkflowSchedule
    path = os.path.join(os.path.dirname(__file__), "../../../fixtures/requests/workflow/dbt_core.json")
    body = json.load(open(path))
    body["metadata"]["name"] = "atlan-dbt-1799999999"
    workflow = Workflow(**body)
    response = client.workflow.run(workflow, workflow_schedule=WorkflowSchedule(timezone="Europe/Paris", cron_schedule="45 5 * * *"))
    assert response.metadata.name == "atlan-dbt-1799999999"
    latest = client.workflow._find_latest_run("atlan-dbt-1799999999")
    assert latest is not None and latest.status in (AtlanWorkflowPhase.PENDING, AtlanWorkflowPhase.RUNNING)
    rerun = client.workflow.rerun(client.workflow.find_by_id(id="atlan-dbt-1799999999"), idempotent=True)
    assert rerun.metadata.name == latest.id, "idempotent: the run already going is returned"
    return latest.id


@step("schedules: get all, get one, remove")
def schedules():
    everything = client.workflow.get_all_scheduled_runs()
    names = [s.metadata.name for s in everything]
    assert "atlan-dbt-1799999999-cron" in names, names
    one = client.workflow.get_scheduled_run(workflow_name="atlan-dbt-1799999999")
    assert one.spec.schedule == "45 5 * * *" and one.spec.timezone == "Europe/Paris"
    client.workflow.remove_schedule(client.workflow.find_by_id(id="atlan-dbt-1799999999"))
    after = [s.metadata.name for s in client.workflow.get_all_scheduled_runs()]
    assert "atlan-dbt-1799999999-cron" not in after
    return f"{len(names)} scheduled"


@step("scheduled queries: find, re-run as owner, runs between dates")
def scheduled_queries():
    from pyatlan.model.workflow import ScheduleQueriesSearchRequest
    found = client.workflow.find_schedule_query(saved_query_id="5f1c2a9e-7d34-4b21-9a6e-0c8b3d2f1e47", max_results=5)
    assert len(found) == 1, found
    run = client.workflow.re_run_schedule_query(schedule_query_id=found[0].id)
    assert run.metadata.name.startswith(found[0].id)
    from datetime import datetime, timedelta, timezone
    end = datetime.now(timezone.utc)
    request = ScheduleQueriesSearchRequest(start_date=(end - timedelta(hours=12)).isoformat(), end_date=end.isoformat())
    between = client.workflow.find_schedule_query_between(request)
    missed = client.workflow.find_schedule_query_between(request, missed=True) or []
    assert between and len(missed) < len(between)
    return f"{len(between)} runs, {len(missed)} missed"


run("operations")
