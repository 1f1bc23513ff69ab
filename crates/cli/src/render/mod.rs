//! Human-readable output. `--json` output is the transport types serialised as they are.

use aar_api::ApiError;
use anstyle::{AnsiColor, Color, Effects, Style};
use comfy_table::{Table, presets};

pub const ERROR: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Red))).effects(Effects::BOLD);

mod diff;
mod review;
mod runs;
mod store;
mod submissions;
mod tasks;
mod verify;

pub use diff::*;
pub use review::*;
pub use runs::*;
pub use store::*;
pub use submissions::*;
pub use tasks::*;
pub use verify::*;

const WARNING: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Yellow))).effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const BOLD: Style = Style::new().effects(Effects::BOLD);
const WARN: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Yellow)));
const ADDED: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Green)));
const REMOVED: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Red)));
const ADDED_WORD: Style = ADDED.effects(Effects::INVERT);
const REMOVED_WORD: Style = REMOVED.effects(Effects::INVERT);
const HUNK: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));
/// Moved lines: one calm colour for both sides, since nothing was added or lost.
const MOVED: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Blue)));
const MOVED_NOTE: Style = MOVED.effects(Effects::DIMMED);

/// Prints `value` as pretty JSON, or through `human`.
pub fn emit<T: serde::Serialize>(
    json: bool,
    value: &T,
    human: impl Fn(&T) -> String,
) -> Result<(), ApiError> {
    if json {
        let text = serde_json::to_string_pretty(value).expect("transport types always serialise");
        println!("{text}");
    } else {
        anstream::print!("{}", human(value));
    }
    Ok(())
}

/// Writes `text` to `path` whole or not at all ([`aar_api::files::write_atomically`]).
pub fn write_file(path: &std::path::Path, text: &str, what: &str) -> Result<(), ApiError> {
    aar_api::files::write_atomically(path, text, what)
}

fn styled(style: Style, text: impl std::fmt::Display) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// Whether stdout gets colour; without it, changed words are marked `[-old-]{+new+}` as
/// `git diff --word-diff=plain` does, so the emphasis survives in pipes and logs.
fn colour() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

fn table() -> Table {
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    table
}

/// Two decimals, or scientific notation for magnitudes a table cell cannot hold (a claimed PGR
/// of 1e308 must not print 309 digits).
fn short_number(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e4 { format!("{x:.2}") } else { format!("{x:.2e}") }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
