//! Figures: several runs of one case summed up, the Markdown report, and the chart.

use std::fmt::Write as _;
use std::path::Path;

use plotters::prelude::*;

/// What one client process measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    /// The listing itself, as the client timed it (pyatlan: without its import).
    pub listing: f64,
    /// The whole process, start and exit included, as the wrapper timed it.
    pub wall: f64,
    /// The process's CPU time, user + system.
    pub cpu: f64,
    /// The process's peak RSS, KiB.
    pub rss_kib: f64,
    /// Runs listed (the floor: requests sent).
    pub items: u64,
}

/// The runs of one case.
#[derive(Debug, Clone, Default)]
pub struct Figures(pub Vec<Sample>);

impl Figures {
    fn values(&self, of: fn(&Sample) -> f64) -> Vec<f64> {
        let mut values: Vec<f64> = self.0.iter().map(of).collect();
        values.sort_by(f64::total_cmp);
        values
    }

    /// The median of a measure (0 without runs).
    pub fn median(&self, of: fn(&Sample) -> f64) -> f64 {
        let values = self.values(of);
        values.get(values.len() / 2).copied().unwrap_or(0.0)
    }

    /// `median (min–max)` of a measure, with a unit.
    pub fn cell(&self, of: fn(&Sample) -> f64, unit: &str, scale: f64) -> String {
        let values = self.values(of);
        match (values.first(), values.last()) {
            (Some(min), Some(max)) if values.len() > 1 => format!(
                "{:.2}{unit} ({:.2}–{:.2})",
                self.median(of) * scale,
                min * scale,
                max * scale
            ),
            (Some(only), _) => format!("{:.2}{unit}", only * scale),
            _ => "–".to_owned(),
        }
    }
}

pub fn listing(sample: &Sample) -> f64 {
    sample.listing
}

pub fn wall(sample: &Sample) -> f64 {
    sample.wall
}

pub fn cpu(sample: &Sample) -> f64 {
    sample.cpu
}

pub fn rss(sample: &Sample) -> f64 {
    sample.rss_kib
}

/// A target and whether the run met it.
pub struct Target {
    pub what: String,
    pub figure: String,
    pub met: bool,
}

/// The report: sections of Markdown, then the targets.
#[derive(Default)]
pub struct Report {
    pub text: String,
    pub targets: Vec<Target>,
}

impl Report {
    pub fn section(&mut self, title: &str) {
        let _ = write!(self.text, "\n### {title}\n\n");
    }

    pub fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    pub fn target(&mut self, what: impl Into<String>, figure: String, met: bool) {
        self.targets.push(Target {
            what: what.into(),
            figure,
            met,
        });
    }

    /// The whole report, targets last.
    pub fn render(&self) -> String {
        let mut out = self.text.clone();
        out.push_str("\n### Targets\n\n| target | measured | |\n|---|---|---|\n");
        for target in &self.targets {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                target.what,
                target.figure,
                if target.met { "met" } else { "**missed**" }
            );
        }
        out
    }

    pub fn missed(&self) -> Vec<String> {
        self.targets
            .iter()
            .filter(|target| !target.met)
            .map(|target| format!("{}: {}", target.what, target.figure))
            .collect()
    }
}

/// One line of the chart: a client's listing time (s) at each added latency (ms).
pub struct Series {
    pub name: &'static str,
    pub points: Vec<(f64, f64)>,
    pub color: RGBColor,
}

/// Draws listing time against added latency, one line per client, as SVG.
pub fn chart(path: &Path, title: &str, series: &[Series]) -> Result<(), String> {
    let max_x = series
        .iter()
        .flat_map(|line| line.points.iter().map(|(x, _)| *x))
        .fold(1.0_f64, f64::max);
    let max_y = series
        .iter()
        .flat_map(|line| line.points.iter().map(|(_, y)| *y))
        .fold(0.1_f64, f64::max)
        * 1.1;
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|error| error.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..max_x, 0.0..max_y)
        .map_err(|error| error.to_string())?;
    chart
        .configure_mesh()
        .x_desc("latency added to each search answer (ms)")
        .y_desc("listing time (s)")
        .draw()
        .map_err(|error| error.to_string())?;
    for line in series {
        let color = line.color;
        chart
            .draw_series(LineSeries::new(line.points.clone(), color.stroke_width(2)))
            .map_err(|error| error.to_string())?
            .label(line.name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(
                line.points
                    .iter()
                    .map(|point| Circle::new(*point, 3, color.filled())),
            )
            .map_err(|error| error.to_string())?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|error| error.to_string())?;
    root.present().map_err(|error| error.to_string())
}
