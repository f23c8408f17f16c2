"""Every `client.app` operation of the official Python SDK (pyatlan 11.6.0) against a sandbox
started with the default seed: the App workflows API of ATLAN-APPS-API.md. Each step asserts on what
the SDK returns.

Run by `cargo xtask compat`, which starts the sandbox (runs Pending 1 s, Running 3 s) and sets
ATLAN_BASE_URL and ATLAN_API_KEY.
"""

import os
import time

from pyatlan.client.atlan import AtlanClient
from pyatlan.errors import AtlanError, InvalidRequestError, NotFoundError

from steps import run, step

APP = "snowflake-crawler"
NAME = "compat-snowflake"

client = AtlanClient()
state = {}



def inputs(enable_lineage=False, credential=True):
    values = {
        "connection": {"typeName": "Connection", "attributes": {
            "qualifiedName": "default/snowflake/1767225600", "connectorName": "snowflake", "name": NAME,
            "adminUsers": ["jdoe"]}},
        "extraction_method": "direct", "credential_guid": "", "agent_json": None,
        "extract_strategy": "information-schema", "enable_lineage": enable_lineage,
        "include_filter": "{\"^ANALYTICS$\": [\"^PUBLIC$\"]}", "exclude_filter": "{}",
    }
    if credential:
        values["credential"] = {"authType": "basic", "name": "default-snowflake-1767225600-0",
                                "connectorConfigName": "atlan-connectors-snowflake", "connectorType": "snowflake",
                                "host": "acme.snowflakecomputing.com", "port": 443, "username": "svc",
                                "password": "compat-password", "extra": {"role": "R", "warehouse": "WH"}}
    return values


@step("describe an app")
def describe():
    info = client.app.describe(APP)
    assert info.app_id == APP and info.native_ready, info
    assert [e.name for e in info.entrypoints] == ["crawler"], info.entrypoints
    return f"{info.name}, entrypoints {[e.name for e in info.entrypoints]}"


@step("input contract")
def contract():
    schema = client.app.get_input_contract(APP, entrypoint="crawler")
    assert "enable_lineage" in schema.properties, schema.properties.keys()
    assert "credential_guid" in schema.required, schema.required
    default = client.app.get_input_contract(APP)
    assert default.properties.keys() == schema.properties.keys()
    return f"{len(schema.properties)} fields"


@step("create (no run)")
def create():
    created = client.app.create(APP, NAME, inputs(), entrypoint="crawler", run=False)
    assert created.slug and created.slug.startswith("compat-snowflake-"), created
    assert created.run_id is None, created
    state["slug"] = created.slug
    state["version"] = created.version
    return created.slug


@step("list, paging with limit and cursor")
def list_all():
    names, cursor, pages = [], None, 0
    while True:
        page = client.app.get_all(limit=2, cursor=cursor)
        names += [w.name for w in page.workflows]
        pages += 1
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert NAME in names and len(names) >= 4, names
    by_name = client.app.get_all(name=NAME)
    assert [w.slug for w in by_name.workflows] == [state["slug"]], by_name
    return f"{len(names)} workflows over {pages} pages"


@step("get (the credential vaulted, not returned)")
def get():
    summary = client.app.get(state["slug"])
    args = summary.dag["extract"]["inputs"]["args"]
    assert args["credential_guid"], args
    assert "credential" not in args and "compat-password" not in str(summary), summary
    state["guid"] = args["credential_guid"]
    return f"credential {args['credential_guid']}"


@step("update (full replace, credential kept, new version)")
def update():
    updated = client.app.update(state["slug"], inputs(enable_lineage=True, credential=False), entrypoint="crawler")
    assert updated.slug == state["slug"] and updated.version > state["version"], updated
    args = client.app.get(state["slug"]).dag["extract"]["inputs"]["args"]
    assert args["enable_lineage"] is True and args["credential_guid"] == state["guid"], args
    return f"version {updated.version}"


@step("create of an existing name (pyatlan reuses the slug on 409)")
def create_again():
    again = client.app.create(APP, NAME, inputs(), entrypoint="crawler", run=False)
    assert again.slug == state["slug"], again
    return again.slug


@step("submit, then get the run until it is terminal")
def submit_and_wait():
    run = client.app.submit(state["slug"])
    assert run.run_id and run.slug == state["slug"], run
    deadline = time.monotonic() + 30
    status = client.app.get_run(run.run_id)
    while not status.is_terminal and time.monotonic() < deadline:
        time.sleep(0.5)
        status = client.app.get_run(run.run_id)
    assert status.is_terminal and status.is_success, status
    return f"{run.run_id}: {status.status}"


@step("idempotent submit refused while a run is active (asset search)")
def idempotent():
    run = client.app.submit(state["slug"])
    state["run"] = run.run_id
    try:
        client.app.submit(state["slug"], idempotent=True)
    except InvalidRequestError as error:
        assert "progress" in str(error) or "running" in str(error), error
        return "refused: a run is in progress"
    raise AssertionError("a second run was submitted")


@step("cancel a run")
def cancel():
    cancelled = client.app.cancel_run(state["run"])
    assert cancelled.cancelled and cancelled.status == "Stopped", cancelled
    assert client.app.get_run(state["run"]).status == "Stopped"
    return f"{state['run']}: Stopped"


@step("add and remove a schedule")
def schedules():
    added = client.app.add_schedule(state["slug"], "0 9 * * *", "Asia/Kolkata")
    assert added.trigger_id and added.timezone == "Asia/Kolkata", added
    listed = client.app.get(state["slug"]).schedules
    assert any(s["trigger_id"] == added.trigger_id for s in listed), listed
    removed = client.app.remove_schedule(state["slug"], added.trigger_id)
    assert removed.deleted, removed
    return added.trigger_id


@step("delete")
def delete():
    deleted = client.app.delete(state["slug"])
    assert deleted.archived, deleted
    try:
        client.app.get(state["slug"])
    except NotFoundError:
        return f"{state['slug']} archived, then 404"
    raise AssertionError("an archived workflow is still served")


@step("the $admin role (the typed builders' first lookup)")
def admin_role():
    role_id = client.role_cache.get_id_for_name("$admin")
    assert role_id, "no $admin role"
    state["admin_role"] = role_id
    return role_id


@step("a Connection asset: save, read by guid and by qualified name, purge")
def connection_asset():
    from pyatlan.model.assets import Connection
    from pyatlan.model.enums import AtlanConnectorType

    connection = Connection.creator(client=client, name="compat-connection",
                                    connector_type=AtlanConnectorType.SNOWFLAKE,
                                    admin_roles=[state["admin_role"]])
    response = client.asset.save(connection)
    created = response.assets_created(asset_type=Connection)
    assert len(created) == 1, response
    guid, qualified_name = created[0].guid, created[0].qualified_name
    read = client.asset.get_by_guid(guid, asset_type=Connection, ignore_relationships=True)
    assert read.qualified_name == qualified_name and read.name == "compat-connection", read
    found = client.asset.get_by_qualified_name(qualified_name=qualified_name, asset_type=Connection,
                                               min_ext_info=True, ignore_relationships=True)
    assert found.guid == guid, found
    purged = client.asset.purge_by_guid(guid)
    assert purged.assets_deleted(asset_type=Connection), purged
    try:
        client.asset.get_by_guid(guid, asset_type=Connection, ignore_relationships=True)
    except NotFoundError:
        return f"{qualified_name}: saved, read, found, purged"
    raise AssertionError("a purged connection is still served")


@step("typed builder: create (new connection, raw credential), load, update")
def typed_builder():
    from pyatlan.model.apps.snowflake_crawler import SnowflakeCrawler

    created = (SnowflakeCrawler(client)
               .basic(username="svc", password="builder-password", role="R", warehouse="WH",
                      host="acme.snowflakecomputing.com")
               .connection("compat-builder", admin_roles=[state["admin_role"]])
               .create(name="compat-builder"))
    slug = created.slug
    assert slug and created.version, created
    stored = client.app.get(slug).dict()["dag"]["extract"]["inputs"]["args"]
    assert "builder-password" not in str(stored), "the secret was stored in the workflow"
    assert stored["credential_guid"], stored
    updated = SnowflakeCrawler(client).load(slug).update()
    assert updated.slug == slug and updated.version > created.version, updated
    client.app.delete(slug)
    return f"{slug}: version {created.version} → {updated.version}"


@step("a wrong key is refused")
def wrong_key():
    other = AtlanClient(base_url=os.environ["ATLAN_BASE_URL"], api_key="wrong-key")
    try:
        other.app.describe(APP)
    except AtlanError as error:
        return f"{type(error).__name__}"
    raise AssertionError("a wrong key was accepted")


run("app operations")
