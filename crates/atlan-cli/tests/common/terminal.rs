//! `atlanctl` on a real pseudo-terminal: what it asks and shows when a person is there.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlan_sandbox::SandboxHandle;

use super::KEY;

/// How long a test waits for the terminal to show something.
const DEADLINE: Duration = Duration::from_secs(30);

/// `atlanctl` running on a pseudo-terminal (stdin, stdout and stderr), against a sandbox.
pub struct Terminal {
    pty: Arc<pty_process::blocking::Pty>,
    child: std::process::Child,
    screen: Arc<Mutex<String>>,
    reader: std::thread::JoinHandle<()>,
}

impl Terminal {
    /// Starts `atlanctl ARGS` against `sandbox` on a new 24x100 terminal, without colour.
    pub fn start(sandbox: &SandboxHandle, args: &[&str]) -> Self {
        Self::start_with(sandbox, args, 100, &[("NO_COLOR", "1")])
    }

    /// Starts `atlanctl ARGS` against `sandbox` on a new terminal `columns` wide, with `vars` in
    /// its environment (and neither `COLUMNS` nor `NO_COLOR` but for them).
    pub fn start_with(
        sandbox: &SandboxHandle,
        args: &[&str],
        columns: u16,
        vars: &[(&str, &str)],
    ) -> Self {
        let (pty, pts) = pty_process::blocking::open().unwrap();
        pty.resize(pty_process::Size::new(24, columns)).unwrap();
        let mut command = pty_process::blocking::Command::new(env!("CARGO_BIN_EXE_atlanctl"))
            .args(args)
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR")
            .env("ATLAN_BASE_URL", sandbox.base_url())
            .env("ATLAN_API_KEY", KEY);
        for (name, value) in vars {
            command = command.env(name, value);
        }
        let child = command.spawn(pts).unwrap();
        let pty = Arc::new(pty);
        let screen = Arc::new(Mutex::new(String::new()));
        let (reader, seen) = (Arc::clone(&pty), Arc::clone(&screen));
        let reader = std::thread::spawn(move || {
            let mut buffer = [0_u8; 4096];
            // Ends when the child closes the terminal (EIO on Linux).
            while let Ok(read) = (&*reader).read(&mut buffer) {
                if read == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..read]).into_owned();
                seen.lock().unwrap().push_str(&text);
            }
        });
        Self {
            pty,
            child,
            screen,
            reader,
        }
    }

    /// What a `rows` x `columns` terminal shows now (a full-screen program draws only what
    /// changed: this plays the whole stream as a terminal would).
    pub fn shown(&self, rows: u16, columns: u16) -> String {
        let size = |n: u16| std::num::NonZero::new(n.max(1)).unwrap();
        let mut parser = vt100::Parser::new(size(rows), size(columns), 0);
        parser.process(self.screen().as_bytes());
        parser.screen().contents()
    }

    /// Waits until a `rows` x `columns` terminal shows `text`; answers what it shows.
    pub async fn wait_to_show(&self, text: &str, rows: u16, columns: u16) -> String {
        let started = Instant::now();
        loop {
            let shown = self.shown(rows, columns);
            if shown.contains(text) {
                return shown;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the terminal never showed `{text}`: {shown}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Makes the terminal `rows` x `columns` (the program gets SIGWINCH).
    pub fn resize(&self, rows: u16, columns: u16) {
        self.pty
            .resize(pty_process::Size::new(rows, columns))
            .unwrap();
    }

    /// Types `keys` as they are, without Enter.
    pub fn type_keys(&self, keys: &str) {
        (&*self.pty).write_all(keys.as_bytes()).unwrap();
    }

    /// What the terminal showed so far.
    pub fn screen(&self) -> String {
        self.screen.lock().unwrap().clone()
    }

    /// Waits until the terminal shows `text` (the test's runtime serves the sandbox meanwhile);
    /// answers the screen.
    pub async fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the terminal never showed `{text}`: {screen}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Types `line` and Enter.
    pub fn type_line(&self, line: &str) {
        (&*self.pty)
            .write_all(format!("{line}\r").as_bytes())
            .unwrap();
    }

    /// Waits for the command to end; answers its exit code and everything it showed.
    pub async fn finish(self) -> (i32, String) {
        let Self {
            mut child,
            screen,
            reader,
            ..
        } = self;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "it never ended: {}",
                screen.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // The reader ends once the child's side of the terminal is closed: it has read it all.
        reader.join().unwrap();
        let screen = screen.lock().unwrap().clone();
        assert!(!screen.contains(KEY), "the key was shown: {screen}");
        (status.code().unwrap_or(-1), screen)
    }
}
