//! The package's errors: one enum, each kind with a stable code and a message for people.
//!
//! The binding layer turns each into the matching JS class (`ValidationError` for
//! [`Error::Validation`], `KlingError` for the rest).

use std::fmt;

use crate::validate::{Issue, Validation};

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The input breaks one or more rules; every problem is listed.
    Validation(Validation),
    /// A text that should be JSON is not.
    InvalidJson(String),
    /// A response that has no shape this package knows (not an object...).
    InvalidResponse(String),
}

impl Error {
    /// A validation error from a list of problems (and no warnings).
    pub fn invalid(errors: Vec<Issue>) -> Error {
        Error::Validation(Validation { valid: errors.is_empty(), errors, warnings: Vec::new() })
    }

    /// Stable snake_case code, for programs to act on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation_failed",
            Error::InvalidJson(_) => "invalid_json",
            Error::InvalidResponse(_) => "invalid_response",
        }
    }

    /// One line for people: the first problem, and how many more there are.
    ///
    /// ```
    /// use kling3_wasm::{error::Error, validate::{Code, Issue}};
    /// let issue = |p: &str| Issue { path: p.into(), code: Code::Required, message: format!("{p} is required") };
    /// let e = Error::invalid(vec![issue("prompt"), issue("mode")]);
    /// assert_eq!(e.message(), "Invalid request: prompt is required (and 1 more problem)");
    /// ```
    pub fn message(&self) -> String {
        match self {
            Error::Validation(report) => match report.errors.as_slice() {
                [] => "Invalid request".to_string(),
                [only] => format!("Invalid request: {}", only.message),
                [first, rest @ ..] => format!(
                    "Invalid request: {} (and {} more problem{})",
                    first.message,
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ),
            },
            Error::InvalidJson(why) => format!("Not valid JSON: {why}"),
            Error::InvalidResponse(why) => why.clone(),
        }
    }
}

/// The same text as [`Error::message`].
///
/// ```
/// use kling3_wasm::error::Error;
/// assert_eq!(Error::InvalidJson("line 1".into()).to_string(), "Not valid JSON: line 1");
/// ```
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<Validation> for Error {
    fn from(report: Validation) -> Error {
        Error::Validation(report)
    }
}
