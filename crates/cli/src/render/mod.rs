//! Human-readable output. `--json` output is the transport types serialised as they are.

use std::borrow::Cow;

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

/// Prints `value` as pretty JSON, or through `human`; either way nothing in it acts on the
/// terminal ([`json_safe`], [`terminal_safe`]).
pub fn emit<T: serde::Serialize>(
    json: bool,
    value: &T,
    human: impl Fn(&T) -> String,
) -> Result<(), ApiError> {
    if json {
        let text = serde_json::to_string_pretty(value).expect("transport types always serialise");
        println!("{}", json_safe(&text));
    } else {
        anstream::print!("{}", terminal_safe(&human(value)));
    }
    Ok(())
}

/// Every style this CLI sets, as the escape sequences it writes: the only control sequences
/// [`terminal_safe`] lets through.
fn own_sequences() -> &'static [String] {
    static SEQUENCES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEQUENCES.get_or_init(|| {
        let styles = [
            ERROR,
            WARNING,
            DIM,
            BOLD,
            WARN,
            ADDED,
            REMOVED,
            ADDED_WORD,
            REMOVED_WORD,
            HUNK,
            MOVED,
            MOVED_NOTE,
        ];
        let mut sequences: Vec<String> = styles
            .iter()
            .flat_map(|s| [s.render().to_string(), s.render_reset().to_string()])
            .filter(|s| !s.is_empty())
            .collect();
        // Longest first, so that a combined style is not taken for its first part.
        sequences.sort_by_key(|s| std::cmp::Reverse(s.len()));
        sequences.dedup();
        sequences
    })
}

/// Human output with every hidden character ([`aar_api::text::is_hidden`]: terminal controls,
/// invisible and direction-changing characters) written out as `\u{…}`, except the style
/// sequences this CLI writes itself. A title that carries `ESC [2J` or an OSC sequence clears or
/// retitles nobody's terminal; at worst one that copies one of our own colours is coloured.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(aar_api::text::is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(own) = own_sequences().iter().find(|s| rest.starts_with(s.as_str()))
        {
            out.push_str(own);
            rest = &rest[own.len()..];
            continue;
        }
        out.push_str(&aar_api::text::visible(&rest[..c.len_utf8()]));
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// JSON with every hidden character inside its strings written as a JSON `\uXXXX` escape, so
/// `--json` on a terminal acts on nothing and still parses to the same value. (serde_json
/// escapes C0 controls itself, but not DEL, C1 controls or direction-changing characters.)
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(aar_api::text::is_hidden) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if aar_api::text::is_hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
