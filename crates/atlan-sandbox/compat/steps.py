"""The step runner both compat scripts share: `@step(name)` registers a function; `run(what)` runs
every step, prints `ok`/`FAIL` lines and a summary, and exits 1 when a step failed;
`advance_clock(by)` moves the sandbox clock instead of waiting."""

import sys

_steps = []


def step(name):
    def wrap(function):
        _steps.append((name, function))
        return function
    return wrap


def run(what):
    failures = 0
    for name, function in _steps:
        try:
            detail = function()
            print(f"ok   {name}: {detail}")
        except Exception as error:  # noqa: BLE001 - report every step
            failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
    print(f"{len(_steps) - failures}/{len(_steps)} {what} passed with pyatlan")
    sys.exit(1 if failures else 0)


def advance_clock(by):
    """Moves the sandbox's clock forward (`POST /_sandbox/clock`), so that no step waits."""
    import json
    import os
    import urllib.request

    request = urllib.request.Request(
        os.environ["ATLAN_BASE_URL"].rstrip("/") + "/_sandbox/clock",
        data=json.dumps({"advance": by}).encode(),
        headers={"authorization": "Bearer " + os.environ["ATLAN_API_KEY"],
                 "content-type": "application/json"},
        method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)
