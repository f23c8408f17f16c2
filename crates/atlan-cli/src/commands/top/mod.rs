//! `atlanctl top`: the fleet, live. A poller task polls the tenant with the watch's incremental
//! poll and sends each new fleet ([`atlan_ops::fleet`]) to the screen; a thread reads keys; the
//! screen ([`view`]) is drawn again on each. A change (`r`, `s`) or an explanation (Enter) runs
//! in a task of its own, so the screen never waits on the tenant. A poll that fails keeps the
//! last fleet and says so. `--once` polls once and prints one frame.

mod view;

use std::io::Write;
use std::time::Duration;

use atlan_ops::Api;
use atlan_ops::bulk::{self, Outcome, ScheduleAction, ScheduleTarget};
use atlan_ops::fleet::{self, FleetRow};
use atlan_workflows::AtlanClient;
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::{execute, terminal};
use tokio::sync::mpsc;

use super::polling::Polling;
use crate::cli::TopArgs;
use crate::context::Env;
use crate::error::CliError;

use view::{Action, Change, Screen};

/// The width of `--once` when stdout is not a terminal.
const ONCE_WIDTH: u16 = 120;

/// What reaches the screen.
enum Update {
    /// A new fleet, polled at an instant.
    Fleet(Vec<FleetRow>, Timestamp),
    /// A poll failed: the last fleet stays.
    Failed(String),
    /// Text to show in a box.
    Said(String, Vec<String>),
    /// A key, or a resize.
    Terminal(Event),
}

/// Runs `atlanctl top`.
pub(crate) async fn run(args: TopArgs, env: &mut Env) -> Result<(), CliError> {
    let (levels, _) = super::levels::service_levels(&args.levels, env).await?;
    let client = env.client().await?;
    let mut polling = Polling::new(&args.poll, client.clone(), Timestamp::now(), |config| {
        config.levels(levels)
    });
    if args.once {
        let now = Timestamp::now();
        polling
            .poll(now)
            .await
            .map_err(|error| CliError::Usage(format!("poll failed: {error}")))?;
        let screen = Screen {
            rows: fleet_of(&polling, now),
            now: Some(now),
            status: format!("polled {}", now.strftime("%H:%M:%S")),
            selected: usize::MAX,
            ..Screen::default()
        };
        for line in frame_lines(&screen, width()) {
            env.printer.line(&line)?;
        }
        return Ok(());
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(CliError::Usage(
            "top draws on a terminal: use `top --once` for one frame as text".into(),
        ));
    }
    live(polling, client).await
}

/// The fleet as the watcher saw it at `now`.
fn fleet_of(polling: &Polling, now: Timestamp) -> Vec<FleetRow> {
    let figures = polling.watcher.figures(now);
    fleet::rows(&polling.watcher, &figures, now)
}

/// One frame of `screen`, `width` wide and as tall as its rows, as lines of text.
pub(crate) fn frame_lines(screen: &Screen, width: u16) -> Vec<String> {
    let height = u16::try_from(screen.shown().len() + 3)
        .unwrap_or(u16::MAX)
        .max(view::MIN_HEIGHT);
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    if terminal.draw(|frame| view::render(frame, screen)).is_err() {
        return Vec::new();
    }
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            let line: String = (0..width)
                .map(|x| buffer.cell((x, y)).map_or(" ", |cell| cell.symbol()))
                .collect();
            line.trim_end().to_owned()
        })
        .collect()
}

/// The terminal's width when stdout is one, else [`ONCE_WIDTH`].
fn width() -> u16 {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return ONCE_WIDTH;
    }
    terminal::size()
        .map_or(ONCE_WIDTH, |(width, _)| width)
        .max(view::MIN_WIDTH)
}

/// The full-screen loop, until `q`.
async fn live(polling: Polling, client: AtlanClient) -> Result<(), CliError> {
    let (sender, mut updates) = mpsc::unbounded_channel();
    let poller = tokio::spawn(poll_forever(polling, sender.clone()));
    read_keys(sender.clone());
    let _restore = Restore::enter()?;
    let mut terminal = Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
    let mut screen = Screen {
        status: "reading the tenant…".into(),
        ..Screen::default()
    };
    loop {
        terminal.draw(|frame| view::render(frame, &screen))?;
        let Some(update) = updates.recv().await else {
            break;
        };
        match update {
            Update::Fleet(rows, at) => {
                screen.rows = rows;
                screen.now = Some(at);
                screen.status = format!("polled {}", at.strftime("%H:%M:%S"));
            }
            Update::Failed(error) => {
                screen.status =
                    format!("the tenant does not answer ({error}): the last data shown");
            }
            Update::Said(title, lines) => screen.popup = Some(view::Popup::Text { title, lines }),
            Update::Terminal(Event::Key(key)) if key.kind == KeyEventKind::Press => {
                match screen.key(key) {
                    Action::Quit => break,
                    Action::None => {}
                    Action::Explain(api, run) => {
                        tokio::spawn(explain(client.clone(), api, run, sender.clone()));
                    }
                    Action::Do(change) => {
                        tokio::spawn(carry_out(client.clone(), change, sender.clone()));
                    }
                }
            }
            Update::Terminal(_) => {}
        }
    }
    poller.abort();
    Ok(())
}

/// Polls every interval (longer after a failure), sending each fleet or failure.
async fn poll_forever(mut polling: Polling, updates: mpsc::UnboundedSender<Update>) {
    loop {
        let now = Timestamp::now();
        let update = match polling.poll(now).await {
            Ok(_) => Update::Fleet(fleet_of(&polling, now), now),
            Err(error) => Update::Failed(error.to_string()),
        };
        if updates.send(update).is_err() {
            return;
        }
        tokio::time::sleep(polling.delay()).await;
    }
}

/// Reads the terminal's events on a thread of its own (crossterm's read blocks).
fn read_keys(updates: mpsc::UnboundedSender<Update>) {
    std::thread::spawn(move || {
        loop {
            match event::poll(Duration::from_millis(250)) {
                Ok(true) => match event::read() {
                    Ok(event) => {
                        if updates.send(Update::Terminal(event)).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) if updates.is_closed() => return,
                Ok(false) => {}
                Err(_) => return,
            }
        }
    });
}

/// The `runs explain` of a run, in a box.
async fn explain(
    client: AtlanClient,
    api: Api,
    run: String,
    updates: mpsc::UnboundedSender<Update>,
) {
    let lines = match atlan_ops::fetch::explanation(&client, api, &run).await {
        Ok(explained) => super::ops::explanation_lines(&explained),
        Err(error) => vec![format!("cannot read run {run}: {error}")],
    };
    let lines = lines
        .iter()
        .map(|line| crate::terminal::safe(line).into_owned())
        .collect();
    let _ = updates.send(Update::Said(format!("runs explain {run}"), lines));
}

/// A confirmed change, carried out; what came of it, in a box.
async fn carry_out(client: AtlanClient, change: Change, updates: mpsc::UnboundedSender<Update>) {
    let (title, line) = match change {
        Change::Rerun(api, workflow) => {
            let step = bulk::rerun_unless_active(&client, api, &workflow).await;
            let line = match (step.outcome, step.run, step.reason) {
                (Outcome::Rerun, run, _) => format!("started run {}", run.unwrap_or_default()),
                (outcome, _, reason) => {
                    format!("{}: {}", outcome.as_str(), reason.unwrap_or_default())
                }
            };
            (format!("re-run {workflow}"), line)
        }
        Change::Suspend(api, workflow) => {
            suspend(&client, api, workflow, ScheduleAction::Suspend).await
        }
        Change::Resume(api, workflow) => {
            suspend(&client, api, workflow, ScheduleAction::Resume).await
        }
    };
    let line = crate::terminal::safe(&line).into_owned();
    let _ = updates.send(Update::Said(title, vec![line]));
}

/// Suspends or resumes the schedules of `workflow`: a box's title and line.
async fn suspend(
    client: &AtlanClient,
    api: Api,
    workflow: String,
    action: ScheduleAction,
) -> (String, String) {
    let target = ScheduleTarget::new(api, &workflow);
    let line = match bulk::change(client, &target, action).await {
        Ok(done) if done.changed => format!("{}ed", action.as_str()),
        Ok(_) => format!("nothing to {}", action.as_str()),
        Err(error) => error.to_string(),
    };
    (format!("{} {workflow}", action.as_str()), line)
}

/// The terminal in raw mode on the alternate screen, given back as it was when dropped.
struct Restore;

impl Restore {
    fn enter() -> Result<Self, CliError> {
        terminal::enable_raw_mode()?;
        execute!(std::io::stdout(), terminal::EnterAlternateScreen)?;
        Ok(Self)
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), terminal::LeaveAlternateScreen);
        let _ = terminal::disable_raw_mode();
        let _ = std::io::stdout().flush();
    }
}
