//! pyatlan 10.0.0 in a venv under `target/` (installed once), the scripts it runs, and the
//! measuring wrapper every client process runs under.

use std::path::{Path, PathBuf};

/// The pyatlan the official numbers come from: the last with the workflow client.
pub const PYATLAN: &str = atlan_testkit::pyatlan::LEGACY;

/// Runs a command and reports its wall time, CPU time (user + system) and peak RSS from the OS
/// (`getrusage(RUSAGE_CHILDREN)`), with the last line it printed.
const MEASURE: &str = r#"
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
if done.returncode != 0:
    sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    sys.exit(done.returncode)
lines = done.stdout.decode().strip().splitlines()
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
                  "lines": len(lines), "last": lines[-1] if lines else ""}))
"#;

/// pyatlan iterating the status search page after page (its response walks every page), as a
/// user would: prints how many runs and how long the listing took (the import not counted).
const LIST: &str = r#"
import json, os, time
from pyatlan.client.atlan import AtlanClient
from pyatlan.model.enums import AtlanWorkflowPhase
client = AtlanClient(base_url=os.environ["ATLAN_BASE_URL"], api_key=os.environ["ATLAN_API_KEY"])
started = time.perf_counter()
runs = 0
for run in client.workflow.find_runs_by_status_and_time_range(status=[AtlanWorkflowPhase.SUCCESS], size=100):
    runs += 1
print(json.dumps({"items": runs, "listing_s": time.perf_counter() - started}))
"#;

/// pyatlan's own parse of a search answer (`WorkflowSearchResponse(**json.loads(body))`, what
/// its workflow client does), repeated for about a second: MB/s.
const DECODE: &str = r#"
import json, sys, time
from pyatlan.model.workflow import WorkflowSearchResponse
body = open(sys.argv[1], "rb").read()
count, started = 0, time.perf_counter()
while time.perf_counter() - started < 1.0:
    WorkflowSearchResponse(**json.loads(body))
    count += 1
elapsed = time.perf_counter() - started
print(json.dumps({"mb_s": len(body) * count / elapsed / 1e6}))
"#;

/// The venv's interpreter and the scripts, written under `target/bench/`.
pub struct Python {
    pub python: PathBuf,
    pub measure: PathBuf,
    pub list: PathBuf,
    pub decode: PathBuf,
}

impl Python {
    /// Installs pyatlan in `target/compat-venv` (the venv `cargo xtask compat` uses) when it is
    /// not there, and writes the scripts.
    pub fn install(target: &Path, out: &Path) -> Self {
        let python = atlan_testkit::pyatlan::install(target, PYATLAN).unwrap();
        let write = |name: &str, text: &str| {
            let path = out.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        Self {
            python,
            measure: write("measure.py", MEASURE),
            list: write("pyatlan_list.py", LIST),
            decode: write("pyatlan_decode.py", DECODE),
        }
    }
}
