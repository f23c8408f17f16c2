//! What Linux says of a process in `/proc`: its CPU time and its memory, for the benches that
//! measure a server or a command in a process of its own. A process that is gone reads as zero.

use std::time::Duration;

/// The CPU time process `pid` has had so far, user and system (`utime` and `stime` of
/// `/proc/PID/stat`).
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|field| field.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name, in USER_HZ:
    // 100 a second everywhere Linux runs.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// A memory field of `/proc/PID/status` (`"VmHWM:"`, the peak resident set; `"VmRSS:"`, the
/// resident set now), in KiB.
pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(status_kib(pid, "VmHWM:") > 0);
        assert!(status_kib(pid, "VmRSS:") <= status_kib(pid, "VmHWM:"));
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {
            std::hint::black_box(spin.elapsed());
        }
        assert!(cpu_time(pid) > Duration::ZERO);
        assert_eq!(status_kib(u32::MAX, "VmHWM:"), 0, "no such process");
    }
}
