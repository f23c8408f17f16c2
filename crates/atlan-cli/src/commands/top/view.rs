//! What `top` shows, and what its keys do, as pure functions of a [`Screen`]: [`render`] draws
//! it on any ratatui backend (the terminal, or a test's), [`Screen::key`] turns a key into what
//! to do. The loop that polls and reads keys is in `mod.rs`.

use atlan_ops::Api;
use atlan_ops::fleet::FleetRow;
use jiff::Timestamp;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, TableState, Wrap};

/// The smallest terminal `top` draws in.
pub(crate) const MIN_WIDTH: u16 = 60;
/// The fewest rows `top` draws in.
pub(crate) const MIN_HEIGHT: u16 = 6;

/// A change asked for, waiting for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Re-run the workflow.
    Rerun(Api, String),
    /// Suspend its schedules.
    Suspend(Api, String),
    /// Resume its schedules.
    Resume(Api, String),
}

impl Change {
    fn question(&self) -> String {
        match self {
            Self::Rerun(api, workflow) => format!("Re-run {workflow} ({})?", api.as_str()),
            Self::Suspend(api, workflow) => {
                format!("Suspend the schedules of {workflow} ({})?", api.as_str())
            }
            Self::Resume(api, workflow) => {
                format!("Resume the schedules of {workflow} ({})?", api.as_str())
            }
        }
    }
}

/// A box over the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Popup {
    /// Text to read (an explanation, a result); any key closes it.
    Text {
        /// Its title.
        title: String,
        /// Its lines.
        lines: Vec<String>,
    },
    /// A question: `y` does the change, any other key does not.
    Confirm(Change),
}

/// What a key asks the loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Nothing more than drawing again.
    None,
    /// Leave.
    Quit,
    /// Explain this run.
    Explain(Api, String),
    /// Carry out this change (confirmed).
    Do(Change),
}

/// Everything on the screen.
#[derive(Debug, Clone, Default)]
pub(crate) struct Screen {
    /// The fleet, worst first.
    pub(crate) rows: Vec<FleetRow>,
    /// The filter (`/`).
    pub(crate) filter: String,
    /// Whether keys go to the filter.
    pub(crate) filtering: bool,
    /// The selected row, among those the filter keeps.
    pub(crate) selected: usize,
    /// The line at the bottom: when it last polled, or why it could not.
    pub(crate) status: String,
    /// A box over the table.
    pub(crate) popup: Option<Popup>,
    /// The instant ages are measured to.
    pub(crate) now: Option<Timestamp>,
}

impl Screen {
    /// The rows the filter keeps.
    pub(crate) fn shown(&self) -> Vec<&FleetRow> {
        self.rows
            .iter()
            .filter(|row| self.filter.is_empty() || row.matches(&self.filter))
            .collect()
    }

    fn current(&self) -> Option<&FleetRow> {
        self.shown().get(self.selected).copied()
    }

    /// What `key` does: to the popup first, then the filter, then the table.
    pub(crate) fn key(&mut self, key: KeyEvent) -> Action {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if let Some(popup) = self.popup.take() {
            return match (popup, key.code) {
                (Popup::Confirm(change), KeyCode::Char('y' | 'Y')) => Action::Do(change),
                _ => Action::None,
            };
        }
        if self.filtering {
            match key.code {
                KeyCode::Enter | KeyCode::Esc => self.filtering = false,
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) if self.filter.chars().count() < 100 => self.filter.push(c),
                _ => {}
            }
            self.selected = 0;
            return Action::None;
        }
        self.table_key(key.code)
    }

    fn table_key(&mut self, code: KeyCode) -> Action {
        let shown = self.shown().len();
        match code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Char('/') => self.filtering = true,
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(shown.saturating_sub(1));
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Enter => {
                if let Some(row) = self.current() {
                    match &row.latest_run {
                        Some(run) => return Action::Explain(row.api, run.clone()),
                        None => self.say(format!("{} has no run in the window", row.workflow)),
                    }
                }
            }
            KeyCode::Char('r') => {
                if let Some(row) = self.current() {
                    self.popup = Some(Popup::Confirm(Change::Rerun(row.api, row.workflow.clone())));
                }
            }
            KeyCode::Char('s') => self.suspend_or_resume(),
            _ => {}
        }
        Action::None
    }

    fn suspend_or_resume(&mut self) {
        let Some(row) = self.current() else { return };
        let (api, workflow) = (row.api, row.workflow.clone());
        self.popup = if row.suspended {
            Some(Popup::Confirm(Change::Resume(api, workflow)))
        } else if row.next_due.is_some() {
            Some(Popup::Confirm(Change::Suspend(api, workflow)))
        } else {
            self.say(format!("{workflow} has no schedule to suspend"));
            return;
        };
    }

    /// Shows `text` in a box.
    pub(crate) fn say(&mut self, text: String) {
        self.popup = Some(Popup::Text {
            title: "atlanctl".into(),
            lines: text.lines().map(str::to_owned).collect(),
        });
    }
}

/// Draws `screen` on `frame`: a header, the table (the selection kept in view), the footer, and
/// a popup over them; a one-line message in a terminal too small.
pub(crate) fn render(frame: &mut Frame<'_>, screen: &Screen) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message = format!(
            "terminal too small for top ({}x{}): at least {MIN_WIDTH}x{MIN_HEIGHT}",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(message), area);
        return;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let shown = screen.shown();
    let breached = screen
        .rows
        .iter()
        .filter(|row| !row.breaches.is_empty())
        .count();
    let failing = screen
        .rows
        .iter()
        .filter(|row| row.failure_streak > 0)
        .count();
    frame.render_widget(
        Paragraph::new(format!(
            "atlanctl top: {} workflows, {failing} failing, {breached} breaching an expectation{}",
            screen.rows.len(),
            if screen.filter.is_empty() {
                String::new()
            } else {
                format!(", {} match /{}", shown.len(), screen.filter)
            }
        ))
        .style(Style::default().add_modifier(Modifier::BOLD)),
        header,
    );
    render_table(frame, body, &shown, screen);
    let keys = if screen.filtering {
        format!("/{}▏ (Enter to keep, Esc to end)", screen.filter)
    } else {
        format!(
            "{} · / filter · Enter explain · r re-run · s suspend/resume · q quit",
            screen.status
        )
    };
    frame.render_widget(Paragraph::new(keys), footer);
    if let Some(popup) = &screen.popup {
        render_popup(frame, area, popup);
    }
}

/// The table's columns.
const COLUMNS: [&str; 9] = [
    "API",
    "WORKFLOW",
    "STATUS",
    "AGE",
    "STREAK",
    "SUCCESS",
    "P95",
    "NEXT",
    "EXPECTATIONS",
];

fn render_table(frame: &mut Frame<'_>, area: Rect, shown: &[&FleetRow], screen: &Screen) {
    let now = screen.now.unwrap_or_else(Timestamp::now);
    let rows = shown.iter().map(|row| {
        let status = row.status.map_or("-", |status| status.as_str());
        let style = match row.status {
            _ if !row.breaches.is_empty() => Style::default().fg(Color::Red),
            Some(status) if status.is_failure() => Style::default().fg(Color::Red),
            Some(status) if status.is_active() => Style::default().fg(Color::Yellow),
            _ => Style::default(),
        };
        Row::new(vec![
            row.api.as_str().to_owned(),
            row.workflow.clone(),
            status.to_owned(),
            row.started
                .map_or("-".into(), |at| compact(now.duration_since(at))),
            row.failure_streak.to_string(),
            row.success_rate
                .map_or("-".into(), |rate| format!("{:.0}%", rate * 100.0)),
            row.p95_s.map_or("-".into(), |s| {
                compact(jiff::SignedDuration::from_secs(
                    i64::try_from(s).unwrap_or(i64::MAX),
                ))
            }),
            next(row, now),
            expectations(row),
        ])
        .style(style)
    });
    // Every column but WORKFLOW as wide as its widest cell can be; WORKFLOW takes the rest.
    let fixed: [u16; 8] = [6, 10, 5, 6, 7, 5, 10, 14];
    let taken: u16 = fixed.iter().sum::<u16>() + 8;
    let workflow = area.width.saturating_sub(taken).max(16);
    let widths = [
        Constraint::Length(fixed[0]),
        Constraint::Length(workflow),
        Constraint::Length(fixed[1]),
        Constraint::Length(fixed[2]),
        Constraint::Length(fixed[3]),
        Constraint::Length(fixed[4]),
        Constraint::Length(fixed[5]),
        Constraint::Length(fixed[6]),
        Constraint::Length(fixed[7]),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(COLUMNS).style(Style::default().add_modifier(Modifier::BOLD)))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(
        (!shown.is_empty()).then_some(screen.selected.min(shown.len().saturating_sub(1))),
    );
    frame.render_stateful_widget(table, area, &mut state);
}

/// When it is due next: `in 3h`, `suspended`, or `-`.
fn next(row: &FleetRow, now: Timestamp) -> String {
    match row.next_due {
        Some(due) => format!("in {}", compact(due.duration_since(now))),
        None if row.suspended => "suspended".into(),
        None => "-".into(),
    }
}

/// `met`, the breaches, or `-` when nothing is expected.
fn expectations(row: &FleetRow) -> String {
    match (row.expected, row.breaches.is_empty()) {
        (false, _) => "-".into(),
        (true, true) => "met".into(),
        (true, false) => row.breaches.join(","),
    }
}

/// A span in its largest unit: `45s`, `12m`, `5h`, `3d`.
pub(crate) fn compact(span: jiff::SignedDuration) -> String {
    let seconds = span.as_secs().max(0);
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3_600 => format!("{}m", seconds / 60),
        3_600..86_400 => format!("{}h", seconds / 3_600),
        _ => format!("{}d", seconds / 86_400),
    }
}

fn render_popup(frame: &mut Frame<'_>, area: Rect, popup: &Popup) {
    let (title, lines, hint) = match popup {
        Popup::Text { title, lines } => (title.clone(), lines.clone(), "any key closes"),
        Popup::Confirm(change) => (
            "confirm".to_owned(),
            vec![change.question()],
            "y: yes, any other key: no",
        ),
    };
    let width = area.width.saturating_sub(8).min(100);
    let height = u16::try_from(lines.len() + 3)
        .unwrap_or(u16::MAX)
        .min(area.height.saturating_sub(2));
    let at = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut text: Vec<Line<'_>> = lines.into_iter().map(Line::from).collect();
    text.push(Line::from(hint).style(Style::default().add_modifier(Modifier::DIM)));
    frame.render_widget(Clear, at);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        at,
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::KeyEvent;

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn row(workflow: &str, status: atlan_ops::RunState, breaches: Vec<&'static str>) -> FleetRow {
        let mut row = FleetRow::new(Api::Apps, workflow);
        row.status = Some(status);
        row.latest_run = Some(format!("{workflow}-r1"));
        row.started = Some(at("2026-12-07T10:00:00Z"));
        row.failure_streak = u64::from(status.is_failure());
        row.success_rate = Some(0.5);
        row.p95_s = Some(1_800);
        row.next_due = Some(at("2026-12-07T14:00:00Z"));
        row.expected = true;
        row.breaches = breaches;
        row
    }

    fn screen() -> Screen {
        Screen {
            rows: vec![
                row("prod-snowflake", atlan_ops::RunState::Failed, vec!["late"]),
                row("bq-prod-crawl", atlan_ops::RunState::Succeeded, vec![]),
            ],
            now: Some(at("2026-12-07T12:00:00Z")),
            status: "polled 12:00:00".into(),
            ..Screen::default()
        }
    }

    fn lines(screen: &Screen, width: u16, height: u16) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| render(frame, screen)).unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer.cell((x, y)).map_or(" ", |cell| cell.symbol()))
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect()
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_frame_shows_the_fleet_with_its_expectations_and_the_keys() {
        let shown = lines(&screen(), 100, 6);
        assert_eq!(
            shown[0],
            "atlanctl top: 2 workflows, 1 failing, 1 breaching an expectation"
        );
        assert!(shown[1].starts_with("API    WORKFLOW"), "{shown:?}");
        assert!(shown[1].ends_with("EXPECTATIONS"), "{shown:?}");
        assert!(
            shown[2].starts_with("apps   prod-snowflake")
                && shown[2].contains("Failed     2h    1      50%     30m   in 2h      late"),
            "{shown:?}"
        );
        assert!(
            shown[3].contains("Succeeded") && shown[3].ends_with("met"),
            "{shown:?}"
        );
        assert!(
            shown[5].starts_with("polled 12:00:00 · / filter"),
            "{shown:?}"
        );
        let small = lines(&screen(), 50, 5);
        assert_eq!(small[0], "terminal too small for top (50x5): at least 60x6");
    }

    #[test]
    fn keys_filter_confirm_and_quit() {
        let mut screen = screen();
        screen.key(key(KeyCode::Char('/')));
        for c in "bq".chars() {
            screen.key(key(KeyCode::Char(c)));
        }
        screen.key(key(KeyCode::Enter));
        assert_eq!(screen.shown().len(), 1);
        assert!(lines(&screen, 100, 6)[0].ends_with("1 match /bq"));
        assert_eq!(
            screen.key(key(KeyCode::Enter)),
            Action::Explain(Api::Apps, "bq-prod-crawl-r1".into())
        );
        screen.key(key(KeyCode::Char('r')));
        let asked = lines(&screen, 100, 8).join("\n");
        assert!(asked.contains("Re-run bq-prod-crawl (apps)?"), "{asked}");
        assert_eq!(
            screen.key(key(KeyCode::Char('y'))),
            Action::Do(Change::Rerun(Api::Apps, "bq-prod-crawl".into()))
        );
        screen.key(key(KeyCode::Char('s')));
        assert_eq!(
            screen.key(key(KeyCode::Char('n'))),
            Action::None,
            "no: nothing"
        );
        screen.rows[1].next_due = None;
        screen.key(key(KeyCode::Char('s')));
        assert!(
            matches!(&screen.popup, Some(Popup::Text { lines, .. }) if lines[0].contains("no schedule"))
        );
        screen.key(key(KeyCode::Char('x')));
        assert_eq!(screen.key(key(KeyCode::Char('q'))), Action::Quit);
    }
}
