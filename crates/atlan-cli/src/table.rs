//! A table laid out for people: each column as wide as its widest cell; on a terminal narrower
//! than that (its size, or `COLUMNS`), the widest columns shortened with `…` until the table
//! fits or none can shorten more, so that a row stays one line. The columns that identify a row
//! (the first; its key, the first of `RUN`, `SLUG`, `ID`, `GUID`, `NAME`, `WORKFLOW` it has; and
//! `TRIGGER`) and the statuses (short words) are never shortened; another column keeps its header's width (at least 6
//! characters) when that fits, else three. Statuses are coloured when colour is on.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

/// Spaces between two columns.
pub(crate) const GAP: usize = 3;
/// The narrowest a shortened column gets (or its header's width, when wider) while that fits.
const MIN_SHORTENED: usize = 6;
/// The narrowest a shortened column gets when nothing else fits: two characters and `…`.
const LAST_RESORT: usize = 3;
/// Headers of the columns that can be a row's key, the most precise first: a table's key is the
/// first of these it has (a run's `WORKFLOW` is part of its `RUN`, and can be shortened).
const KEYS: &[&str] = &["RUN", "SLUG", "ID", "GUID", "NAME", "WORKFLOW"];
/// Headers of the columns never shortened besides the key: ids a person copies into a command.
const IDENTIFYING: &[&str] = &["TRIGGER"];
/// Headers of the columns whose cells are statuses, coloured when colour is on.
const STATUS_COLUMNS: &[&str] = &["PHASE", "STATUS", "STATE", "SEVERITY", "ACTION", "RESULT"];

/// How a table is written: the width to fit (none: every cell whole) and whether statuses are
/// coloured.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TableStyle {
    /// The width to fit, in characters.
    pub(crate) fit: Option<usize>,
    /// Whether statuses are coloured.
    pub(crate) colour: bool,
}

impl TableStyle {
    /// The style of tables on stdout: fitted to the terminal's width (`COLUMNS` when set,
    /// else the terminal's size; nothing to fit when stdout is not a terminal) unless `wide`;
    /// coloured as `colour` says (`auto`: on a terminal, unless `NO_COLOR` is set and not empty).
    pub(crate) fn for_stdout(wide: bool, colour: crate::cli::ColourChoice) -> Self {
        use std::io::IsTerminal;

        use crate::cli::ColourChoice;

        let terminal = std::io::stdout().is_terminal();
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .filter(|columns| *columns > 0);
        let size = || {
            terminal_size::terminal_size()
                .map(|(terminal_size::Width(width), _)| usize::from(width))
        };
        let fit = if wide {
            None
        } else {
            columns.or_else(|| terminal.then(size).flatten())
        };
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let colour = match colour {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            ColourChoice::Auto => terminal && !no_colour,
        };
        Self { fit, colour }
    }
}

/// The columns of a table being written: their widths and which hold statuses.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    widths: Vec<usize>,
    /// Whether cells wider than their column are shortened (a fitted table).
    fitted: bool,
    statuses: Vec<bool>,
    colour: bool,
}

impl Layout {
    /// The layout of a table with `columns` whose first rows are `rows`, for `style`.
    pub(crate) fn new(columns: &[&str], rows: &[Vec<String>], style: TableStyle) -> Self {
        let mut widths: Vec<usize> = columns.iter().map(|column| width(column)).collect();
        for row in rows {
            for (slot, cell) in widths.iter_mut().zip(row) {
                *slot = (*slot).max(width(cell));
            }
        }
        if let Some(fit) = style.fit {
            let key = KEYS.iter().find(|key| columns.contains(key));
            let fixed: Vec<bool> = columns
                .iter()
                .enumerate()
                .map(|(index, column)| {
                    index == 0
                        || key == Some(column)
                        || IDENTIFYING.contains(column)
                        || STATUS_COLUMNS.contains(column)
                })
                .collect();
            let floors = |least: &dyn Fn(&str) -> usize| -> Vec<usize> {
                columns
                    .iter()
                    .zip(&widths)
                    .zip(&fixed)
                    .map(|((column, natural), fixed)| {
                        if *fixed {
                            *natural
                        } else {
                            (*natural).min(least(column))
                        }
                    })
                    .collect()
            };
            let first = floors(&|column| width(column).max(MIN_SHORTENED));
            let last = floors(&|_| LAST_RESORT);
            shorten(&mut widths, &first, fit);
            // Still too wide: the other columns go down to two characters and `…`.
            shorten(&mut widths, &last, fit);
        }
        Self {
            widths,
            fitted: style.fit.is_some(),
            statuses: columns.iter().map(|c| STATUS_COLUMNS.contains(c)).collect(),
            colour: style.colour,
        }
    }

    /// The header line.
    pub(crate) fn header(&self, columns: &[&str]) -> String {
        self.line(columns.iter().copied(), false)
    }

    /// One row: cells padded to their column's width (the last one not padded), in a fitted
    /// table a cell wider than its column shortened with `…`, statuses coloured when colour is
    /// on.
    pub(crate) fn row<'a>(&self, cells: impl Iterator<Item = &'a str>) -> String {
        self.line(cells, self.colour)
    }

    fn line<'a>(&self, cells: impl Iterator<Item = &'a str>, colour: bool) -> String {
        let mut line = String::with_capacity(self.widths.iter().sum::<usize>() + 64);
        // Padding is written before each cell but the first, so the last is never padded.
        let mut pad = 0;
        for (index, cell) in cells.enumerate() {
            line.extend(std::iter::repeat_n(' ', pad));
            let column = self.widths.get(index).copied().unwrap_or_default();
            let shown = if self.fitted {
                shortened(cell, column)
            } else {
                cell.into()
            };
            match self.statuses.get(index) {
                Some(true) if colour => {
                    let style = status_style(cell);
                    let _ = write!(line, "{}{shown}{}", style.render(), style.render_reset());
                }
                _ => line.push_str(&shown),
            }
            pad = column.saturating_sub(width(&shown)) + GAP;
        }
        line
    }
}

/// The width of a cell, in characters.
fn width(text: &str) -> usize {
    text.chars().count()
}

/// `text` in at most `column` characters: cut, with `…` as its last, when longer.
fn shortened(text: &str, column: usize) -> std::borrow::Cow<'_, str> {
    if width(text) <= column {
        return text.into();
    }
    let kept: String = text.chars().take(column.saturating_sub(1)).collect();
    format!("{kept}…").into()
}

/// Shortens the widest columns, none below its floor, until the table fits `fit` (or none can
/// shorten more): each step takes the widest down towards the next widest, or by what is still
/// too much.
fn shorten(widths: &mut [usize], floors: &[usize], fit: usize) {
    let total =
        |widths: &[usize]| widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
    // Each step shortens one column by at least one character: bounded by the widths' sum.
    while total(widths) > fit {
        let shrinkable = || {
            widths
                .iter()
                .zip(floors)
                .enumerate()
                .filter(|(_, (width, floor))| width > floor)
                .map(|(index, (width, floor))| (index, *width, *floor))
        };
        let Some((widest, most, floor)) = shrinkable().max_by_key(|(_, width, _)| *width) else {
            return;
        };
        let next = shrinkable()
            .map(|(_, width, _)| width)
            .filter(|width| *width < most)
            .max()
            .unwrap_or(floor)
            .max(floor);
        let excess = total(widths) - fit;
        let step = (most - next).clamp(1, excess.max(1));
        if let Some(width) = widths.get_mut(widest) {
            *width = (most - step).max(floor);
        }
    }
}

/// The colour of a status word: green for success, red for failure, yellow for what waits, blue
/// for what runs, dim for what was stopped or skipped.
fn status_style(status: &str) -> Style {
    let colour = match status.trim().to_ascii_lowercase().as_str() {
        "succeeded" | "success" | "ok" | "verified" | "resumed" | "created" | "started" => {
            AnsiColor::Green
        }
        "failed" | "error" | "missing" | "differs" => AnsiColor::Red,
        "pending" | "warning" | "maybe_sent" | "needs_input" => AnsiColor::Yellow,
        "running" => AnsiColor::Blue,
        "stopped" | "terminated" | "skipped" | "suspended" | "paused" => AnsiColor::BrightBlack,
        _ => return Style::new(),
    };
    Style::new().fg_color(Some(colour.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|row| row.iter().map(|cell| (*cell).to_owned()).collect())
            .collect()
    }

    #[test]
    fn a_narrow_terminal_shortens_the_widest_columns_but_not_the_identifying_ones() {
        let columns = ["WORKFLOW", "PACKAGE", "MESSAGE"];
        let table = rows(&[&[
            "atlan-snowflake-1714638976",
            "atlan-snowflake",
            "a very long message indeed",
        ]]);
        let style = TableStyle {
            fit: Some(50),
            colour: false,
        };
        let layout = Layout::new(&columns, &table, style);
        let line = layout.row(table[0].iter().map(String::as_str));
        assert!(line.chars().count() <= 50, "{line}");
        assert!(line.starts_with("atlan-snowflake-1714638976   "), "{line}");
        assert!(line.contains('…'), "{line}");
        // Narrower than the identifying column alone: it stays whole, the others are as short
        // as they get.
        let tiny = Layout::new(
            &columns,
            &table,
            TableStyle {
                fit: Some(20),
                colour: false,
            },
        );
        let line = tiny.row(table[0].iter().map(String::as_str));
        assert_eq!(line, "atlan-snowflake-1714638976   at…   a …");
        // Unfitted, every cell is whole.
        let whole = Layout::new(&columns, &table, TableStyle::default());
        assert!(!whole.row(table[0].iter().map(String::as_str)).contains('…'));
    }

    #[test]
    fn a_run_table_keeps_its_api_and_run_whole_and_shortens_its_workflow() {
        let columns = ["API", "RUN", "WORKFLOW", "STATUS"];
        let table = rows(&[&[
            "legacy",
            "atlan-snowflake-1714638976-k2x7q",
            "atlan-snowflake-1714638976",
            "Failed",
        ]]);
        let style = TableStyle {
            fit: Some(60),
            colour: false,
        };
        let line = Layout::new(&columns, &table, style).row(table[0].iter().map(String::as_str));
        assert_eq!(
            line,
            "legacy   atlan-snowflake-1714638976-k2x7q   atlan-…   Failed"
        );
    }

    #[test]
    fn statuses_are_coloured_only_when_colour_is_on_and_align_the_same() {
        let columns = ["RUN", "PHASE", "STARTED"];
        let table = rows(&[
            &["r-1", "Failed", "2026-12-07T10:00:00Z"],
            &["r-2", "Succeeded", "-"],
        ]);
        let plain = Layout::new(&columns, &table, TableStyle::default());
        let coloured = Layout::new(
            &columns,
            &table,
            TableStyle {
                fit: None,
                colour: true,
            },
        );
        let failed = coloured.row(table[0].iter().map(String::as_str));
        assert!(failed.contains("\u{1b}[31mFailed\u{1b}[0m"), "{failed:?}");
        let uncoloured = failed.replace("\u{1b}[31m", "").replace("\u{1b}[0m", "");
        assert_eq!(uncoloured, plain.row(table[0].iter().map(String::as_str)));
        assert!(!plain.header(&columns).contains('\u{1b}'));
    }
}
