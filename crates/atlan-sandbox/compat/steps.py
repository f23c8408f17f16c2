"""The step runner both compat scripts share: `@step(name)` registers a function; `run(what)` runs
every step, prints `ok`/`FAIL` lines and a summary, and exits 1 when a step failed."""

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
