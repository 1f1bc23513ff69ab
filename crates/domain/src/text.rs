//! Text from outside (agents' bundles and forum posts, methods' error messages, reviewers' names)
//! on its way to a reviewer's eyes, and reviewer names as the review rules compare them.
//!
//! Two attacks motivate this. Terminal control sequences in a title (`ESC [2J` clears the
//! screen, OSC sequences retitle the window or plant links) act on whoever prints it, and a BEL or
//! ESC kept in a report or an export travels on to whoever opens that. Invisible and bidirectional
//! formatting characters make text read differently from what it is: `alice` followed by a
//! zero-width space is another reviewer, and U+202E shows a name or a line of code reversed.
//! So: names are normalised and refuse such characters, and every text shown escapes them.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;

/// Whether `c` would act on a terminal or a reader instead of showing: a control character
/// (C0 other than newline and tab, DEL, C1), a line or paragraph separator, or a character Unicode
/// calls default-ignorable (zero-width characters, joiners, bidirectional controls, variation
/// selectors, tags, the byte-order mark: `Default_Ignorable_Code_Point` of Unicode 16's
/// DerivedCoreProperties.txt, which Unicode keeps stable).
pub fn is_hidden(c: char) -> bool {
    if c == '\n' || c == '\t' {
        return false;
    }
    c.is_control()
        || matches!(c,
            '\u{2028}' | '\u{2029}'
            | '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// `text` with every [hidden](is_hidden) character written out as `\u{…}`, so that a reviewer
/// sees that it is there and it acts on nothing. Newlines and tabs stay; so does a carriage
/// return that ends a line (`\r\n`).
pub fn visible(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let ends_line = c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n');
        if is_hidden(c) && !ends_line {
            let out = out.get_or_insert_with(|| {
                let mut copy = String::with_capacity(text.len() + 16);
                copy.push_str(&text[..at]);
                copy
            });
            write!(out, "\\u{{{:x}}}", c as u32).expect("writing to a String cannot fail");
        } else if let Some(out) = out.as_mut() {
            out.push(c);
        }
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// The longest reviewer name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Why a reviewer name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("is empty")]
    Empty,
    #[error("starts or ends with whitespace")]
    Padded,
    #[error("is more than one line")]
    Lines,
    #[error("contains {0}, which does not show (a control, invisible or direction-changing character)")]
    Hidden(String),
    #[error("is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
}

/// A reviewer name as the review rules compare it: NFKC-normalised (so a full-width `ａｌｉｃｅ`
/// and a decomposed `é` are the names they look like), one line, not padded, with no
/// [hidden](is_hidden) character (so nobody is a second `alice` by a zero-width space).
/// Look-alike letters from other scripts (Cyrillic `а`) stay distinct names: they show.
pub fn reviewer_name(raw: &str) -> Result<String, NameProblem> {
    let name: String = raw.nfkc().collect();
    if let Some(c) = name.chars().find(|c| is_hidden(*c)) {
        return Err(NameProblem::Hidden(format!("U+{:04X}", c as u32)));
    }
    if name.trim().is_empty() {
        Err(NameProblem::Empty)
    } else if name.contains(['\n', '\t']) {
        Err(NameProblem::Lines)
    } else if name.trim() != name {
        Err(NameProblem::Padded)
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(NameProblem::TooLong)
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_and_direction_controls_are_written_out() {
        let title = "ok \u{1b}[2J\u{7} \u{202e}txt.exe\u{202c} zero\u{200b}width \u{9b}31m \u{7f}";
        assert_eq!(
            visible(title),
            "ok \\u{1b}[2J\\u{7} \\u{202e}txt.exe\\u{202c} zero\\u{200b}width \\u{9b}31m \\u{7f}"
        );
        assert!(!visible(title).chars().any(is_hidden));
    }

    #[test]
    fn ordinary_text_passes_untouched() {
        let text = "line one\n\tindented — café, 東京, 🦀, עברית\r\n";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
        assert_eq!(visible("a\rb"), "a\\u{d}b", "a lone carriage return rewrites a terminal line");
    }

    #[test]
    fn names_are_normalised_and_refuse_what_does_not_show() {
        assert_eq!(reviewer_name("ａｌｉｃｅ").unwrap(), "alice");
        assert_eq!(reviewer_name("Jose\u{301}").unwrap(), "José");
        assert_eq!(reviewer_name("alice\u{200b}"), Err(NameProblem::Hidden("U+200B".into())));
        assert_eq!(reviewer_name("\u{202e}ecila"), Err(NameProblem::Hidden("U+202E".into())));
        assert_eq!(reviewer_name("al\u{1b}ice"), Err(NameProblem::Hidden("U+001B".into())));
        assert_eq!(reviewer_name("a\nb"), Err(NameProblem::Lines));
        assert_eq!(reviewer_name(" alice"), Err(NameProblem::Padded));
        assert_eq!(reviewer_name("   "), Err(NameProblem::Empty));
        assert_eq!(reviewer_name(&"x".repeat(101)), Err(NameProblem::TooLong));
        assert_eq!(reviewer_name("аlice").unwrap(), "аlice", "a Cyrillic а shows, and stays another name");
    }
}
