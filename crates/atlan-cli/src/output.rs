//! Writing results to stdout: aligned tables for people, JSON lines for scripts.
//!
//! Only results go to stdout; progress, notes and errors go to stderr. A closed pipe
//! (`atlanctl runs list … | head`) ends the output quietly.

use std::io::{self, Write};

use serde_json::Value;

use crate::cli::Format;
use crate::error::CliError;
use crate::jq::JqFilter;
use crate::table::{Layout, TableStyle};
use crate::{scrub, terminal};

/// One result: its table row and its JSON document.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// The cells, one per column.
    pub(crate) row: Vec<String>,
    /// The JSON document (secrets already redacted).
    pub(crate) json: Value,
}

/// Writes results in the chosen format.
pub(crate) struct Printer {
    format: Format,
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
    /// How tables are written: the width they fit, whether statuses are coloured.
    style: TableStyle,
    /// The layout of the table being written, fixed by its first rows.
    layout: Option<Layout>,
    /// The `--jq` filter every JSON document goes through.
    jq: Option<JqFilter>,
    /// Set once stdout is closed: everything after is dropped.
    closed: bool,
}

impl Printer {
    /// A printer to stdout (buffered: each call's output is flushed when it is written), with
    /// notes on stderr; its tables styled for stdout (see [`TableStyle::for_stdout`]).
    pub(crate) fn stdout(format: Format, colour: crate::cli::ColourChoice) -> Self {
        let out = io::BufWriter::with_capacity(64 * 1024, io::stdout());
        let mut printer = Self::new(format, Box::new(out), Box::new(io::stderr()));
        printer.style = TableStyle::for_stdout(format == Format::Wide, colour);
        printer
    }

    /// A printer to any writers: results to `out`, notes to `err`.
    pub(crate) fn new(
        format: Format,
        out: Box<dyn Write + Send>,
        err: Box<dyn Write + Send>,
    ) -> Self {
        Self {
            format,
            out,
            err,
            style: TableStyle::default(),
            layout: None,
            jq: None,
            closed: false,
        }
    }

    /// Writes one result, or a list, as a table (with `columns` as its header) or JSON lines.
    ///
    /// Call it again with more records of the same table (pages of a listing): the column widths
    /// are those of the first call, so a long listing streams instead of waiting for its end.
    pub(crate) fn records(&mut self, columns: &[&str], records: &[Record]) -> Result<(), CliError> {
        match self.format {
            Format::Json | Format::Yaml => {
                for record in records {
                    self.json(&record.json)?;
                }
                Ok(())
            }
            Format::Table | Format::Wide => {
                // Cells hold what servers sent: escaped before they are measured and shown.
                let rows: Vec<Vec<String>> = records
                    .iter()
                    .map(|record| {
                        record
                            .row
                            .iter()
                            .map(|cell| terminal::safe(&scrub::text(cell)).into_owned())
                            .collect()
                    })
                    .collect();
                let layout = match &self.layout {
                    Some(layout) => layout.clone(),
                    None => {
                        let layout = Layout::new(columns, &rows, self.style);
                        self.write_line(&layout.header(columns))?;
                        self.layout.insert(layout).clone()
                    }
                };
                for row in &rows {
                    self.write_line(&layout.row(row.iter().map(String::as_str)))?;
                }
                Ok(())
            }
        }
    }

    /// Writes a page of results: as JSON lines, each item's document (`json`) straight into the
    /// output, flushed once for the page, no table row built; as a table, each item's `row`.
    /// The bytes are those of [`Printer::records`].
    pub(crate) fn listed<T>(
        &mut self,
        columns: &[&str],
        items: &[T],
        row: impl Fn(&T) -> Vec<String>,
        json: impl Fn(&T) -> Value,
    ) -> Result<(), CliError> {
        self.listed_with(columns, items, row, &json, |item, line| {
            serde_json::to_writer(line, &json(item))
        })
    }

    /// [`Printer::listed`], each JSON line written by `line` (such as straight from a typed
    /// document, no `Value` built), which must write the text of `json`'s document. `json` is
    /// still what is shown when the secrets of a request are scrubbed value by value.
    pub(crate) fn listed_with<T>(
        &mut self,
        columns: &[&str],
        items: &[T],
        row: impl Fn(&T) -> Vec<String>,
        json: impl Fn(&T) -> Value,
        line_of: impl Fn(&T, &mut Vec<u8>) -> serde_json::Result<()>,
    ) -> Result<(), CliError> {
        if self.format.is_table() {
            let records: Vec<Record> = items
                .iter()
                .map(|item| Record {
                    row: row(item),
                    json: Value::Null,
                })
                .collect();
            return self.records(columns, &records);
        }
        if scrub::has_secrets() || self.jq.is_some() || self.format == Format::Yaml {
            let records: Vec<Record> = items
                .iter()
                .map(|item| Record {
                    row: Vec::new(),
                    json: json(item),
                })
                .collect();
            return self.records(columns, &records);
        }
        // The page's lines are written into one buffer, scrubbed of the API key once, and
        // written once.
        let mut lines = Vec::with_capacity(64 * 1024);
        for item in items {
            line_of(item, &mut lines).map_err(io::Error::other)?;
            lines.push(b'\n');
        }
        self.write(|out| out.write_all(&scrub::lines(&lines)))
    }

    /// Writes a document: JSON on one line, or YAML after a `---` line (with `-o yaml`).
    pub(crate) fn json(&mut self, value: &Value) -> Result<(), CliError> {
        if self.format == Format::Yaml {
            let yaml = serde_norway::to_string(&scrubbed(value)).map_err(io::Error::other)?;
            let yaml = format!("---\n{}", yaml.trim_end());
            return self.write(|out| writeln!(out, "{}", scrub::text(&yaml)));
        }
        self.write_document(&document(value))
    }

    /// Writes a JSON document's line, or with `--jq` the filter's outputs for it.
    fn write_document(&mut self, line: &str) -> Result<(), CliError> {
        let Some(jq) = &self.jq else {
            return self.write_line(line);
        };
        for output in jq.lines(line)? {
            self.write_line(&output)?;
        }
        Ok(())
    }

    /// Filters every JSON document through `jq` (`--jq`).
    pub(crate) fn set_jq(&mut self, jq: JqFilter) {
        self.jq = Some(jq);
    }

    /// Writes a line of a report for people (escaped for the terminal, secrets scrubbed).
    pub(crate) fn text(&mut self, text: &str) -> Result<(), CliError> {
        self.write_line(&terminal::safe(&scrub::text(text)))
    }

    /// Writes a line as it is (in either format), such as a dry run's request.
    pub(crate) fn line(&mut self, line: &str) -> Result<(), CliError> {
        self.write_line(line)
    }

    /// A result that is not a record, such as "workflow X deleted": `text` in a table, `json` as
    /// JSON.
    pub(crate) fn message(&mut self, text: &str, json: &Value) -> Result<(), CliError> {
        match self.format {
            Format::Table | Format::Wide => self.write_line(&terminal::safe(&scrub::text(text))),
            Format::Json | Format::Yaml => self.json(json),
        }
    }

    /// What a script must know about the results too (such as runs of an API left out): on
    /// stderr, `warning: ` first, whatever the output format.
    pub(crate) fn warn(&mut self, text: &str) {
        // A warning that cannot be written is not worth failing the command for.
        let _ = writeln!(self.err, "warning: {}", terminal::safe(&scrub::text(text)));
    }

    /// A remark for people about the results (such as "showing 1-100 of 609"): on stderr, and
    /// only with table output, so that JSON output and its stderr stay quiet.
    pub(crate) fn note(&mut self, text: &str) {
        if self.format.is_table() {
            // A note that cannot be written is not worth failing the command for.
            let _ = writeln!(self.err, "{}", terminal::safe(&scrub::text(text)));
        }
    }

    /// Whether results are JSON lines.
    pub(crate) fn is_json(&self) -> bool {
        matches!(self.format, Format::Json | Format::Yaml)
    }

    /// Writes bytes as they are, such as a completion script.
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.write(|out| out.write_all(&scrub::bytes(bytes)))
    }

    fn write_line(&mut self, line: &str) -> Result<(), CliError> {
        self.write(|out| writeln!(out, "{}", scrub::line(line)))
    }

    /// Writes to stdout and flushes; a closed pipe ends the output quietly.
    fn write(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), CliError> {
        if self.closed {
            return Ok(());
        }
        let written = write(&mut self.out).and_then(|()| self.out.flush());
        match written {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(error) => Err(CliError::Output(error)),
        }
    }
}

/// A document as one line, the secrets of the request scrubbed from its values.
fn document(value: &Value) -> String {
    scrubbed(value).to_string()
}

/// A document with the secrets of the request scrubbed from its values.
fn scrubbed(value: &Value) -> std::borrow::Cow<'_, Value> {
    if !scrub::has_secrets() {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut shown = value.clone();
    scrub::value(&mut shown);
    std::borrow::Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use serde_json::json;

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn record(cells: &[&str]) -> Record {
        Record {
            row: cells.iter().map(|cell| (*cell).to_owned()).collect(),
            json: json!({"name": cells[0]}),
        }
    }

    fn printed(format: Format, pages: &[Vec<Record>]) -> String {
        let sink = Sink::default();
        let mut printer = Printer::new(format, Box::new(sink.clone()), Box::new(io::sink()));
        for page in pages {
            printer.records(&["NAME", "PHASE"], page).unwrap();
        }
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn a_listed_page_prints_the_bytes_of_its_records() {
        let pages = vec![
            vec![record(&["a", "Running"]), record(&["bb", "Failed"])],
            vec![record(&["ccc", "\u{1b}[31mred"])],
        ];
        for format in [Format::Json, Format::Table] {
            let sink = Sink::default();
            let mut printer = Printer::new(format, Box::new(sink.clone()), Box::new(io::sink()));
            for page in &pages {
                printer
                    .listed(
                        &["NAME", "PHASE"],
                        page,
                        |record| record.row.clone(),
                        |record| record.json.clone(),
                    )
                    .unwrap();
            }
            let listed = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
            assert_eq!(listed, printed(format, &pages), "{format:?}");
        }
    }

    #[test]
    fn tables_align_on_the_widest_cell_of_the_first_page() {
        let pages = [
            vec![
                record(&["a", "Succeeded"]),
                record(&["long-name", "Failed"]),
            ],
            vec![record(&["even-longer-name", "Running"])],
        ];
        assert_eq!(
            printed(Format::Table, &pages),
            "NAME        PHASE\n\
             a           Succeeded\n\
             long-name   Failed\n\
             even-longer-name   Running\n"
        );
    }

    #[test]
    fn json_is_one_document_per_line_without_a_header() {
        let pages = [vec![record(&["a", "x"]), record(&["b", "y"])]];
        assert_eq!(
            printed(Format::Json, &pages),
            "{\"name\":\"a\"}\n{\"name\":\"b\"}\n"
        );
    }

    #[test]
    fn notes_go_to_stderr_and_only_with_tables() {
        for (format, expected) in [(Format::Json, ""), (Format::Table, "showing 1-2 of 9\n")] {
            let (out, err) = (Sink::default(), Sink::default());
            let mut printer = Printer::new(format, Box::new(out.clone()), Box::new(err.clone()));
            printer.note("showing 1-2 of 9");
            assert!(out.0.lock().unwrap().is_empty());
            assert_eq!(
                String::from_utf8(err.0.lock().unwrap().clone()).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn messages_are_text_in_a_table_and_json_otherwise() {
        for (format, expected) in [
            (Format::Table, "workflow w deleted\n"),
            (Format::Json, "{\"deleted\":\"w\"}\n"),
        ] {
            let out = Sink::default();
            let mut printer = Printer::new(format, Box::new(out.clone()), Box::new(io::sink()));
            printer
                .message("workflow w deleted", &json!({"deleted": "w"}))
                .unwrap();
            assert_eq!(
                String::from_utf8(out.0.lock().unwrap().clone()).unwrap(),
                expected
            );
        }
    }

    /// Server-supplied names with escape sequences and bidi overrides are shown, not
    /// obeyed, in tables; JSON keeps them exact.
    #[test]
    fn tables_escape_control_and_bidi_characters_and_json_keeps_them() {
        let hostile = ["\u{1b}]0;pwned\u{7}", "a\u{1b}[2Jb", "evil\u{202e}lmth.exe"];
        let pages = [hostile
            .iter()
            .map(|name| record(&[name, "x"]))
            .collect::<Vec<_>>()];
        let table = printed(Format::Table, &pages);
        assert!(
            !table.chars().any(|c| c.is_control() && c != '\n'),
            "{table:?}"
        );
        assert!(!table.contains('\u{202e}'));
        assert!(table.contains("evil\\u{202e}lmth.exe"), "{table}");
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "one line a row: {table}");
        // Aligned on the escaped text.
        assert_eq!(lines[2].find("   x"), Some("a\\u{1b}[2Jb".len() + 9));
        let json = printed(Format::Json, &pages);
        for (line, name) in json.lines().zip(hostile) {
            let parsed: Value = serde_json::from_str(line).unwrap();
            assert_eq!(parsed["name"], name);
        }
    }

    #[test]
    fn a_closed_pipe_ends_the_output_quietly() {
        let mut printer = Printer::new(Format::Table, Box::new(Closed), Box::new(io::sink()));
        printer.records(&["NAME"], &[record(&["a"])]).unwrap();
        printer.json(&json!({"more": true})).unwrap();
    }
}
