use aar_review_schemas::review::ReviewRule;
use serde::Serialize;
use ts_rs::TS;

/// A machine-readable error class, so front ends never match on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// Nothing matches the id or path asked for.
    NotFound,
    /// An abbreviated id matches more than one submission.
    Ambiguous,
    /// An input (bundle, archive, export, argument) was refused; nothing was stored.
    InvalidInput,
    /// The database failed or is damaged.
    Storage,
    /// The user stopped a long operation.
    Cancelled,
    /// A review rule refused the action (a self-approval, a lone sign-off, a vote out of range,
    /// a missing rationale...): `rule` names it, and nothing was changed.
    Refused,
    /// Something the machine must provide failed: a method worker process would not start.
    Unavailable,
    /// A re-run failed: the method did not compile, broke a sandbox rule, threw or returned
    /// values the engine refuses, or training diverged. Only its audit entry was stored.
    RunFailed,
}

/// An error as every front end receives it: a code and a message that names the problem.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Where in a file the problem is, when it is in one (a method's line and column), so a
    /// front end can show the line.
    pub location: Option<SourceLocation>,
    /// The review rule that refused the action, for [`ErrorCode::Refused`].
    pub rule: Option<ReviewRule>,
}

/// A line and column (1-based) in a file of a submission or on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), location: None, rule: None }
    }

    pub fn at(mut self, location: Option<SourceLocation>) -> ApiError {
        self.location = location;
        self
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidInput, message)
    }

    /// A review rule's refusal, worded as the database's are: "refused by the rule `x`: ...".
    pub fn refused(rule: ReviewRule, message: impl std::fmt::Display) -> ApiError {
        ApiError {
            rule: Some(rule),
            ..ApiError::new(ErrorCode::Refused, format!("refused by the rule `{rule}`: {message}"))
        }
    }
}

impl From<aar_store::StoreError> for ApiError {
    fn from(e: aar_store::StoreError) -> ApiError {
        use aar_store::StoreError as E;
        let rule = if let E::Refused { rule, .. } = &e { Some(*rule) } else { None };
        let code = match &e {
            E::NotFound { .. } => ErrorCode::NotFound,
            E::Ambiguous { .. } => ErrorCode::Ambiguous,
            E::UnsupportedUrl(_) | E::BadLocation(_) => ErrorCode::InvalidInput,
            E::Database(_) | E::Migrate(_) | E::Io { .. } | E::Corrupt(_) | E::LeaseLost { .. } => {
                ErrorCode::Storage
            }
            E::Refused { .. } => ErrorCode::Refused,
        };
        ApiError { rule, ..ApiError::new(code, e.to_string()) }
    }
}

impl From<aar_bundle::BundleError> for ApiError {
    fn from(e: aar_bundle::BundleError) -> ApiError {
        ApiError::invalid(e.to_string())
    }
}

impl From<aar_domain::IdPrefixError> for ApiError {
    fn from(e: aar_domain::IdPrefixError) -> ApiError {
        ApiError::invalid(e.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
