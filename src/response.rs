//! Reading the API's error answers, in every shape they come in: the documented
//! `{error: {code, message, type}}`, a `{code, message}` envelope (also inside an HTTP 200),
//! an HTML page from a proxy, an empty body, or text that is not JSON.

use serde_json::Value;

/// What the client knows of a failed HTTP exchange; becomes an `ApiError` in JS.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiFailure {
    /// The HTTP status (that of the envelope when an HTTP 200 carried an error code).
    pub status: u16,
    /// The body's own code (a number or a word), else the HTTP status.
    pub code: Value,
    /// The body's error type (`invalid_request`...), when it has one.
    pub error_type: Option<String>,
    /// A message for people: the body's, else one that says what the status means (without the
    /// status itself, which the error carries as `status`).
    pub message: String,
}

/// What a status means, for when the body says nothing useful.
pub fn status_text(status: u16) -> &'static str {
    match status {
        400 | 422 => "the API refused the request's parameters",
        401 => "the API key is missing or not valid",
        402 => "not enough credits for this task",
        403 => "this key may not do that",
        404 => "no such task (or wrong base URL)",
        408 => "the server timed out waiting for the request",
        413 => "the request is too large",
        429 => "too many requests: the API asks to slow down",
        500 => "the API had an internal error",
        502 => "a gateway in front of the API got a bad answer from it",
        503 => "the API is unavailable for now",
        504 => "a gateway in front of the API timed out",
        // A create is not redirected (a fetch that followed would send it again); a browser
        // shows such an answer as status 0.
        0 | 300..=399 => "the server answered with a redirect, which a create does not follow: check the base URL",
        _ if status >= 500 => "the server had a problem",
        _ => "the request failed",
    }
}

fn text_at(v: &Value, key: &str) -> Option<String> {
    match crate::input::member(v, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Reads an error answer. `body` is the parsed JSON when the text was JSON; `text` is the raw
/// body, used to tell an HTML page or an empty body apart.
///
/// ```
/// use kling3_wasm::response::read_error;
/// let body = serde_json::json!({
///     "error": {"code": 401, "message": "Invalid API key", "type": "authentication_error"}
/// });
/// let failure = read_error(401, Some(&body), "");
/// assert_eq!(failure.message, "Invalid API key");
/// assert_eq!(failure.error_type.as_deref(), Some("authentication_error"));
/// ```
pub fn read_error(status: u16, body: Option<&Value>, text: &str) -> ApiFailure {
    let fallback = |what: &str| ApiFailure {
        status,
        code: Value::from(status),
        error_type: None,
        message: format!("{}{what}", status_text(status)),
    };
    let Some(body) = body else {
        let trimmed = text.trim_start();
        let lower: String = trimmed.chars().take(15).collect::<String>().to_ascii_lowercase();
        return if trimmed.is_empty() {
            fallback(" (empty response)")
        } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.starts_with('<') {
            fallback(" (an HTML page, not the API's JSON: a proxy or gateway answered)")
        } else {
            fallback(" (the response is not JSON)")
        };
    };
    // The documented shape, or a bare `{error: "text"}`.
    let (source, nested) = match body.get("error") {
        Some(inner @ Value::Object(_)) => (inner, true),
        _ => (body, false),
    };
    let message = text_at(source, "message")
        .or_else(|| text_at(source, "detail"))
        .or_else(|| if nested { None } else { text_at(body, "error") })
        .or_else(|| text_at(body, "msg"));
    let code = match source.get("code") {
        Some(Value::Number(n)) => Value::Number(n.clone()),
        Some(Value::String(s)) if !s.is_empty() => Value::String(s.clone()),
        _ => Value::from(status),
    };
    ApiFailure {
        status,
        code,
        error_type: text_at(source, "type"),
        message: match message {
            Some(m) => m,
            None => status_text(status).to_string(),
        },
    }
}

/// An HTTP 200 whose envelope says `code >= 400` is an error too.
pub fn envelope_error(body: &Value) -> Option<ApiFailure> {
    let code = body.get("code")?.as_f64()?;
    if !(400.0..1000.0).contains(&code) || code.fract() != 0.0 {
        return None;
    }
    Some(read_error(code as u16, Some(body), ""))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("test JSON is valid")
    }

    #[test]
    fn the_documented_error_body_is_read() {
        let f = read_error(
            400,
            Some(&json(r#"{"error":{"code":400,"message":"Invalid parameters","type":"invalid_request"}}"#)),
            "",
        );
        assert_eq!(f.status, 400);
        assert_eq!(f.code, Value::from(400));
        assert_eq!(f.error_type.as_deref(), Some("invalid_request"));
        assert_eq!(f.message, "Invalid parameters");
    }

    #[test]
    fn a_code_and_message_envelope_is_read() {
        let f = read_error(402, Some(&json(r#"{"code":402,"message":"Insufficient credits","data":null}"#)), "");
        assert_eq!((f.code, f.message.as_str()), (Value::from(402), "Insufficient credits"));
        let words = read_error(400, Some(&json(r#"{"code":"bad_mode","detail":"mode must be std or pro"}"#)), "");
        assert_eq!((words.code, words.message.as_str()), (Value::String("bad_mode".into()), "mode must be std or pro"));
        let bare = read_error(500, Some(&json(r#"{"error":"boom"}"#)), "");
        assert_eq!(bare.message, "boom");
    }

    #[test]
    fn html_pages_empty_bodies_and_other_text_get_a_message_from_the_status() {
        let html = read_error(502, None, "<!DOCTYPE html><html><body>Bad Gateway</body></html>");
        assert_eq!(html.message, "a gateway in front of the API got a bad answer from it (an HTML page, not the API's JSON: a proxy or gateway answered)");
        assert_eq!(html.code, Value::from(502));
        assert!(read_error(503, None, "").message.ends_with("(empty response)"));
        assert!(read_error(500, None, "{oops").message.ends_with("(the response is not JSON)"));
        assert_eq!(read_error(401, Some(&json("{}")), "{}").message, "the API key is missing or not valid");
    }

    #[test]
    fn an_http_200_with_an_error_code_is_an_error() {
        let f = envelope_error(&json(r#"{"code":429,"message":"Rate limited"}"#)).unwrap();
        assert_eq!((f.status, f.message.as_str()), (429, "Rate limited"));
        assert_eq!(envelope_error(&json(r#"{"code":200,"message":"success","data":{}}"#)), None);
        assert_eq!(envelope_error(&json(r#"{"code":"E1"}"#)), None);
        assert_eq!(envelope_error(&json(r#"{"code":1e300}"#)), None);
    }
}
