//! Reading a task from the API's responses, whatever shape the provider used.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::input::kind;
use crate::json_text::number_text;
use crate::request::is_http_url;

/// Where a task is, in four words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl Status {
    /// Maps a provider's status word, in any case; an unknown word means "still running".
    ///
    /// ```
    /// use kling3_wasm::task::Status;
    /// assert_eq!(Status::from_raw("IN_PROGRESS"), Status::Running);
    /// assert_eq!(Status::from_raw("succeed"), Status::Succeeded);
    /// assert_eq!(Status::from_raw("warming_up"), Status::Running);
    /// ```
    pub fn from_raw(raw: &str) -> Status {
        let word = raw.trim().to_ascii_lowercase();
        match word.as_str() {
            "pending" | "queued" | "queuing" | "waiting" | "submitted" | "created" => Status::Queued,
            "completed" | "complete" | "success" | "succeeded" | "succeed" | "done" | "finished" => Status::Succeeded,
            "failed" | "fail" | "failure" | "error" | "cancelled" | "canceled" => Status::Failed,
            _ => Status::Running,
        }
    }

    /// The status as JS sees it (the same word serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
        }
    }

    /// Whether the task will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed)
    }
}

/// A task as the package reads it from a create or status response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Task {
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub task_id: Option<String>,
    pub status: Status,
    /// The provider's own status word, as sent.
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub raw_status: Option<String>,
    /// The video, when the task succeeded; only ever an http(s) URL.
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub video_url: Option<String>,
    /// Why the task failed, in the provider's words.
    #[cfg_attr(feature = "ts", tsify(type = "string | null"))]
    pub error: Option<String>,
}

const TASK_ID_AT: &[&[&str]] =
    &[&["data", "task_id"], &["data", "id"], &["data", "taskId"], &["task_id"], &["id"], &["taskId"]];
const STATUS_AT: &[&[&str]] = &[&["data", "status"], &["data", "task_status"], &["status"], &["task_status"]];
const VIDEO_URL_AT: &[&[&str]] = &[
    &["data", "output", "video_url"],
    &["data", "video_url"],
    &["output", "video_url"],
    &["video_url"],
    &["data", "result", "videos", "0", "url"],
    &["data", "task_result", "videos", "0", "url"],
    &["data", "output", "videos", "0", "url"],
    &["data", "videos", "0", "url"],
    &["output", "videos", "0", "url"],
    &["data", "output", "url"],
];
const ERROR_AT: &[&[&str]] = &[
    &["data", "error", "message"],
    &["data", "error"],
    &["data", "error_message"],
    &["data", "fail_reason"],
    &["data", "task_status_msg"],
    &["error", "message"],
    &["error"],
    &["error_message"],
    &["fail_reason"],
];

/// Follows a path of keys; a step that is a number also indexes an array.
fn lookup<'v>(root: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(root, |v, step| match v {
        // Digits only: `"+1"` is no index.
        Value::Array(items) if step.bytes().all(|b| b.is_ascii_digit()) => items.get(step.parse::<usize>().ok()?),
        other => other.get(step),
    })
}

/// The first non-empty text at one of `paths` (numbers are read as text too, for ids).
fn first_text(root: &Value, paths: &[&[&str]]) -> Option<String> {
    paths.iter().find_map(|p| match lookup(root, p)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => n.as_f64().map(number_text),
        _ => None,
    })
}

/// Reads a task from a response body in any of the shapes the provider is known to use.
///
/// ```
/// use kling3_wasm::task::{parse_task, Status};
/// let body = serde_json::json!({
///     "data": {"task_id": "t1", "status": "COMPLETED", "video_url": "https://cdn.example/v.mp4"}
/// });
/// let task = parse_task(&body).unwrap();
/// assert_eq!(task.status, Status::Succeeded);
/// assert_eq!(task.video_url.as_deref(), Some("https://cdn.example/v.mp4"));
/// ```
pub fn parse_task(body: &Value) -> Result<Task, Error> {
    if !matches!(body, Value::Object(_)) {
        return Err(Error::InvalidResponse(format!("a task response must be a JSON object, got {}", kind(body))));
    }
    let raw_status = first_text(body, STATUS_AT);
    let error = first_text(body, ERROR_AT);
    let envelope_failed = body.get("code").and_then(Value::as_f64).is_some_and(|c| c >= 400.0);
    let video_url = VIDEO_URL_AT
        .iter()
        .find_map(|p| lookup(body, p).and_then(Value::as_str).filter(|u| is_http_url(u)))
        .map(str::to_string);
    let status = match &raw_status {
        Some(raw) => Status::from_raw(raw),
        // No status at all: an error body has failed, a body with a video has succeeded.
        None if envelope_failed || body.get("error").is_some() => Status::Failed,
        None if video_url.is_some() => Status::Succeeded,
        None => Status::Running,
    };
    let error = match (status, error) {
        (_, Some(e)) => Some(e),
        (Status::Failed, None) => body.get("message").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    Ok(Task { task_id: first_text(body, TASK_ID_AT), status, raw_status, video_url, error })
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("test JSON is valid")
    }

    fn parse(text: &str) -> Task {
        parse_task(&json(text)).unwrap()
    }

    #[test]
    fn every_known_status_word_maps_in_any_case() {
        let rows = [
            ("IN_PROGRESS", Status::Running),
            ("PENDING", Status::Queued),
            ("QUEUED", Status::Queued),
            ("PROCESSING", Status::Running),
            ("COMPLETED", Status::Succeeded),
            ("SUCCESS", Status::Succeeded),
            ("SUCCEEDED", Status::Succeeded),
            ("FAILED", Status::Failed),
            ("ERROR", Status::Failed),
            ("submitted", Status::Queued),
            ("processing", Status::Running),
            ("succeed", Status::Succeeded),
            ("failed", Status::Failed),
            ("waiting", Status::Queued),
            ("queuing", Status::Queued),
            ("generating", Status::Running),
            ("success", Status::Succeeded),
            ("fail", Status::Failed),
            ("pending", Status::Queued),
            ("Completed", Status::Succeeded),
            ("something_new", Status::Running),
            ("", Status::Running),
        ];
        for (word, status) in rows {
            assert_eq!(Status::from_raw(word), status, "{word}");
        }
    }

    #[test]
    fn status_words_are_the_ones_the_type_declarations_list() {
        for status in [Status::Queued, Status::Running, Status::Succeeded, Status::Failed] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for mode in [crate::request::Mode::Std, crate::request::Mode::Pro] {
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
    }

    #[test]
    fn the_documented_create_response_is_read() {
        let task =
            parse(r#"{"code":200,"message":"success","data":{"task_id":"n75xxxx_kling3","status":"IN_PROGRESS"}}"#);
        assert_eq!(task.task_id.as_deref(), Some("n75xxxx_kling3"));
        assert_eq!((task.status, task.raw_status.as_deref()), (Status::Running, Some("IN_PROGRESS")));
        assert_eq!((task.video_url, task.error), (None, None));
    }

    #[test]
    fn the_flat_create_response_is_read() {
        let task = parse(r#"{"id":"abc","status":"pending","model":"kling-3","created_at":"2026-01-01T00:00:00Z"}"#);
        assert_eq!((task.task_id.as_deref(), task.status), (Some("abc"), Status::Queued));
    }

    #[test]
    fn the_video_url_is_found_at_every_known_place() {
        let bodies = [
            r#"{"data":{"status":"COMPLETED","output":{"video_url":"https://v/1.mp4"}}}"#,
            r#"{"data":{"status":"COMPLETED","video_url":"https://v/1.mp4"}}"#,
            r#"{"status":"COMPLETED","output":{"video_url":"https://v/1.mp4"}}"#,
            r#"{"data":{"status":"succeed","result":{"videos":[{"url":"https://v/1.mp4"}]}}}"#,
            r#"{"data":{"task_status":"succeed","task_result":{"videos":[{"url":"https://v/1.mp4","duration":"5"}]}}}"#,
        ];
        for body in bodies {
            let task = parse(body);
            assert_eq!(task.video_url.as_deref(), Some("https://v/1.mp4"), "{body}");
            assert_eq!(task.status, Status::Succeeded, "{body}");
        }
    }

    #[test]
    fn only_http_video_urls_are_given_out() {
        for url in ["javascript:alert(1)", "data:video/mp4;base64,AAAA", "file:///etc/passwd", "//cdn/x.mp4", ""] {
            let body =
                format!(r#"{{"data":{{"status":"COMPLETED","video_url":{}}}}}"#, serde_json::to_string(url).unwrap());
            assert_eq!(parse(&body).video_url, None, "{url}");
        }
        let task = parse(
            r#"{"data":{"video_url":"javascript:x","output":{"video_url":"https://ok/v.mp4"},"status":"SUCCESS"}}"#,
        );
        assert_eq!(task.video_url.as_deref(), Some("https://ok/v.mp4"));
    }

    #[test]
    fn the_error_text_is_found_at_every_known_place() {
        let bodies = [
            r#"{"data":{"status":"FAILED","error":"content policy"}}"#,
            r#"{"data":{"status":"FAILED","error_message":"content policy"}}"#,
            r#"{"data":{"status":"failed","fail_reason":"content policy"}}"#,
            r#"{"data":{"task_status":"failed","task_status_msg":"content policy"}}"#,
            r#"{"error":{"code":400,"message":"content policy","type":"invalid_request"}}"#,
            r#"{"data":{"status":"ERROR","error":{"message":"content policy"}}}"#,
        ];
        for body in bodies {
            let task = parse(body);
            assert_eq!(task.error.as_deref(), Some("content policy"), "{body}");
            assert_eq!(task.status, Status::Failed, "{body}");
        }
    }

    #[test]
    fn an_envelope_with_an_error_code_has_failed() {
        let task = parse(r#"{"code":404,"message":"task not found","data":null}"#);
        assert_eq!((task.status, task.error.as_deref()), (Status::Failed, Some("task not found")));
    }

    #[test]
    fn numeric_task_ids_are_read_as_text() {
        assert_eq!(parse(r#"{"data":{"task_id":12345}}"#).task_id.as_deref(), Some("12345"));
    }

    #[test]
    fn an_index_in_a_path_is_digits_only() {
        let body = json(r#"{"data":{"status":"succeed","result":{"videos":{"+0":{"url":"https://v/1.mp4"}}}}}"#);
        assert_eq!(lookup(&json(r#"[1,2]"#), &["+1"]), None);
        assert_eq!(lookup(&json(r#"[1,2]"#), &["1"]), Some(&Value::from(2)));
        assert_eq!(parse_task(&body).unwrap().video_url, None);
    }

    #[test]
    fn a_task_reads_back_from_its_json() {
        let task = parse(r#"{"data":{"task_id":"t","status":"FAILED","error":"x"}}"#);
        let back: Task = serde_json::from_value(serde_json::to_value(&task).unwrap()).unwrap();
        assert_eq!(back, task);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_an_error() {
        for body in ["null", "[]", "\"x\"", "3"] {
            let e = parse_task(&json(body)).unwrap_err();
            assert_eq!(e.code(), "invalid_response");
        }
    }
}
