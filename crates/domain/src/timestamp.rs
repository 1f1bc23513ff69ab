use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time, always kept and shown as RFC 3339 in UTC so text order is time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an RFC 3339 time (like 2026-04-14T09:30:00Z)")]
pub struct TimestampError {
    pub text: String,
}

impl Timestamp {
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        OffsetDateTime::parse(text.trim(), &Rfc3339)
            .map(|t| Timestamp(t.to_offset(time::UtcOffset::UTC)))
            .map_err(|_| TimestampError { text: text.to_owned() })
    }

    pub fn from_unix_seconds(seconds: i64) -> Option<Timestamp> {
        OffsetDateTime::from_unix_timestamp(seconds).ok().map(Timestamp)
    }

    /// Whole seconds: with a fraction, RFC 3339 text has a varying length and text order stops
    /// being time order (`…:00.5Z` sorts before `…:00Z`), which stored times rely on.
    pub fn from_offset_date_time(t: OffsetDateTime) -> Timestamp {
        let t = t.to_offset(time::UtcOffset::UTC);
        Timestamp(t.replace_nanosecond(0).unwrap_or(t))
    }

    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(&Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_normalise_to_utc() {
        let t = Timestamp::parse("2026-04-14T11:30:00+02:00").unwrap();
        assert_eq!(t.to_string(), "2026-04-14T09:30:00Z");
        assert!(Timestamp::parse("yesterday").is_err());
    }
}
