//! What a poll's task leads to while waiting: the end of the wait (succeeded, failed, or past
//! its time limit) or the wait before the next poll; and the failures that end a wait.

use crate::attempt::{Failure, Hint, Kind};
use crate::schedule::PollSchedule;
use crate::task::{Status, Task};

/// What follows a poll.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AfterPoll {
    /// The task succeeded: the wait resolves with it.
    Succeeded,
    /// The task failed: the wait rejects with [`task_failed`].
    Failed,
    /// The wait's time is up and the task has not ended: it rejects with [`wait_timeout`].
    TimedOut,
    /// Poll again after this many ms (the last poll lands on the deadline).
    PollIn(u64),
}

/// What follows a poll that read `status`, `elapsed_ms` into a wait of `timeout_ms`.
///
/// ```
/// use kling3_wasm::{wait::{after_poll, AfterPoll}, schedule::PollSchedule, task::Status};
/// assert_eq!(after_poll(Status::Running, 1_000.0, 60_000.0, PollSchedule::Adaptive), AfterPoll::PollIn(2_000));
/// assert_eq!(after_poll(Status::Running, 59_500.0, 60_000.0, PollSchedule::Adaptive), AfterPoll::PollIn(500));
/// assert_eq!(after_poll(Status::Queued, 60_000.0, 60_000.0, PollSchedule::Fixed(500)), AfterPoll::TimedOut);
/// ```
pub fn after_poll(status: Status, elapsed_ms: f64, timeout_ms: f64, schedule: PollSchedule) -> AfterPoll {
    match status {
        Status::Succeeded => return AfterPoll::Succeeded,
        Status::Failed => return AfterPoll::Failed,
        Status::Queued | Status::Running => {}
    }
    let elapsed = elapsed_ms.max(0.0);
    let left = timeout_ms - elapsed;
    if left <= 0.0 {
        return AfterPoll::TimedOut;
    }
    AfterPoll::PollIn(schedule.next_delay_ms(elapsed as u64).min(left.ceil() as u64))
}

/// What follows a poll that failed, its own retries spent, `elapsed_ms` into a wait of
/// `timeout_ms`, when the caller asked to ride out outages (it gave `onPollError`): `Some(ms)`
/// to poll again after that long, or `None` to end the wait with that failure. Once a server is
/// known to be there (`reached`: a call of this client read a task, or met a 429 or a 5xx; this
/// failure is one, and `reached` is set for the polls after it), a failure the same call may
/// well get past later (`retryable`: no answer, a 429, a 5xx, an unreadable answer) does not end
/// the wait before its deadline: an outage is ridden out. The next poll comes after the schedule's delay, or the wait the server asked for when
/// longer (up to a day: a longer one is not meant), and no later than the deadline. Anything
/// else ends it at once: a 401 or a 404, and a poll of a client that never reached a server
/// (no answer at all, or a 200 that is no task, such as a site's page at a wrong base URL: a
/// wrong host is not an outage to wait out for 15 minutes).
///
/// ```
/// use kling3_wasm::{attempt::{Failure, Kind}, wait::after_failed_poll, schedule::PollSchedule};
/// let outage = Failure { retryable: true, ..Failure::new(Kind::Api, "HTTP 503".into()) };
/// assert_eq!(after_failed_poll(&outage, &mut true, 20_000.0, 900_000.0, PollSchedule::Adaptive), Some(10_000));
/// assert_eq!(after_failed_poll(&outage, &mut true, 900_000.0, 900_000.0, PollSchedule::Adaptive), None);
/// let mut reached = false;
/// assert_eq!(after_failed_poll(&outage, &mut reached, 0.0, 900_000.0, PollSchedule::Adaptive), None);
/// let page_503 = Failure { status: Some(503), ..outage.clone() };
/// assert_eq!(after_failed_poll(&page_503, &mut reached, 0.0, 900_000.0, PollSchedule::Adaptive), Some(2_000));
/// assert_eq!(after_failed_poll(&outage, &mut reached, 2_000.0, 900_000.0, PollSchedule::Adaptive), Some(2_000));
/// let refused = Failure::new(Kind::Api, "HTTP 401".into());
/// assert_eq!(after_failed_poll(&refused, &mut true, 20_000.0, 900_000.0, PollSchedule::Adaptive), None);
/// ```
pub fn after_failed_poll(
    failure: &Failure,
    reached: &mut bool,
    elapsed_ms: f64,
    timeout_ms: f64,
    schedule: PollSchedule,
) -> Option<u64> {
    let elapsed = elapsed_ms.max(0.0);
    let left = timeout_ms - elapsed;
    // A 429 or a 5xx is the API's or its gateway's: a server there, for now unwell.
    *reached |= failure.status.is_some_and(|s| s == 429 || s >= 500);
    if !*reached || !failure.retryable || left <= 0.0 {
        return None;
    }
    let asked = failure.meant_retry_after_ms().unwrap_or(0);
    Some(schedule.next_delay_ms(elapsed as u64).max(asked).min(left.ceil() as u64))
}

/// The wait's `TimeoutError`: the task was last seen `state` (not known when the deadline came
/// during a poll), `elapsed_ms` after the wait began. The task may still finish: the hint says
/// how to wait again.
///
/// ```
/// use kling3_wasm::wait::wait_timeout;
/// let f = wait_timeout("t_1", Some("IN_PROGRESS"), 900_400.0);
/// assert_eq!(f.message, "task t_1 was still IN_PROGRESS after 900 s");
/// ```
pub fn wait_timeout(task_id: &str, state: Option<&str>, elapsed_ms: f64) -> Failure {
    let seconds = (elapsed_ms.max(0.0) / 1000.0).round() as u64;
    let message = match state {
        Some(state) => format!("task {task_id} was still {state} after {seconds} s"),
        None => format!("task {task_id} had not finished after {seconds} s"),
    };
    Failure {
        hint: Some(Hint::WaitAgain(task_id.to_string())),
        task_id: Some(task_id.to_string()),
        ..Failure::new(Kind::Timeout, message)
    }
}

/// The wait's `TaskFailedError`: the task ended in failure; `text` is the answer it was read
/// from.
///
/// ```
/// use kling3_wasm::{task::parse_task, wait::task_failed};
/// let task = parse_task(&serde_json::json!({"data": {"status": "FAILED", "error": "bad prompt"}})).unwrap();
/// assert_eq!(task_failed("t_1", task, "{}").message, "task t_1 failed: bad prompt");
/// ```
pub fn task_failed(task_id: &str, task: Task, text: &str) -> Failure {
    let message = format!("task {task_id} failed: {}", task.error.as_deref().unwrap_or("no reason given"));
    Failure {
        task_id: Some(task_id.to_string()),
        body: Some(text.to_string()),
        task: Some(task),
        ..Failure::new(Kind::TaskFailed, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_of_a_wait() {
        let adaptive = PollSchedule::Adaptive;
        let rows = [
            ("a succeeded task ends the wait", Status::Succeeded, 0.0, 60_000.0, adaptive, AfterPoll::Succeeded),
            (
                "a failed task ends the wait, even past its deadline",
                Status::Failed,
                99_000.0,
                60_000.0,
                adaptive,
                AfterPoll::Failed,
            ),
            (
                "a task done at the deadline is used",
                Status::Succeeded,
                60_000.0,
                60_000.0,
                adaptive,
                AfterPoll::Succeeded,
            ),
            (
                "a running task is polled on the adaptive schedule",
                Status::Running,
                20_000.0,
                900_000.0,
                adaptive,
                AfterPoll::PollIn(10_000),
            ),
            ("a queued task is polled too", Status::Queued, 0.0, 900_000.0, adaptive, AfterPoll::PollIn(2_000)),
            (
                "a fixed interval is kept",
                Status::Running,
                0.0,
                60_000.0,
                PollSchedule::Fixed(5_000),
                AfterPoll::PollIn(5_000),
            ),
            (
                "the last poll lands on the deadline",
                Status::Running,
                58_500.0,
                60_000.0,
                PollSchedule::Fixed(5_000),
                AfterPoll::PollIn(1_500),
            ),
            (
                "past the deadline a running task times the wait out",
                Status::Running,
                60_001.0,
                60_000.0,
                adaptive,
                AfterPoll::TimedOut,
            ),
            ("a wait of 0 ms times out after its one look", Status::Running, 0.0, 0.0, adaptive, AfterPoll::TimedOut),
        ];
        for (rule, status, elapsed, timeout, schedule, expected) in rows {
            assert_eq!(after_poll(status, elapsed, timeout, schedule), expected, "{rule}");
        }
    }

    #[test]
    fn a_failed_poll_ends_the_wait_only_when_it_would_not_pass_or_time_is_up() {
        let adaptive = PollSchedule::Adaptive;
        let retryable =
            |retry_after_ms| Failure { retryable: true, retry_after_ms, ..Failure::new(Kind::Api, "HTTP 503".into()) };
        let rows = [
            ("an outage is ridden out on the schedule", retryable(None), 4_000.0, adaptive, Some(2_000)),
            (
                "a wait the server asks for is kept when longer",
                retryable(Some(45_000)),
                4_000.0,
                adaptive,
                Some(45_000),
            ),
            (
                "the schedule, when longer than the server's wait",
                retryable(Some(500)),
                20_000.0,
                adaptive,
                Some(10_000),
            ),
            ("no later than the deadline", retryable(Some(3_600_000)), 890_000.0, adaptive, Some(10_000)),
            ("a fixed interval is kept", retryable(None), 0.0, PollSchedule::Fixed(700), Some(700)),
            ("at the deadline the wait ends with the failure", retryable(None), 900_000.0, adaptive, None),
            (
                "what would not pass (a 401) ends it at once",
                Failure::new(Kind::Api, "HTTP 401".into()),
                0.0,
                adaptive,
                None,
            ),
        ];
        for (rule, failure, elapsed, schedule, expected) in rows {
            assert_eq!(after_failed_poll(&failure, &mut true, elapsed, 900_000.0, schedule), expected, "{rule}");
        }
        assert_eq!(
            after_failed_poll(&retryable(None), &mut false, 4_000.0, 900_000.0, adaptive),
            None,
            "before the API was reached once, no answer is ridden out"
        );
        let answered = Failure { status: Some(502), ..retryable(None) };
        assert_eq!(
            after_failed_poll(&answered, &mut false, 4_000.0, 900_000.0, adaptive),
            Some(2_000),
            "a 502 page is a server there, whose outage is ridden out"
        );
        let site = Failure { status: Some(200), ..retryable(None) };
        assert_eq!(
            after_failed_poll(&site, &mut false, 4_000.0, 900_000.0, adaptive),
            None,
            "a 200 that is no task (a site's page at a wrong base URL) is not the API"
        );
        assert_eq!(
            after_failed_poll(&retryable(Some(999_999_999_000)), &mut true, 4_000.0, 900_000.0, adaptive),
            Some(2_000),
            "a wait of years is not meant: the schedule's is kept"
        );
    }

    #[test]
    fn the_wait_timeout_says_what_happened_and_the_hint_what_to_do() {
        let f = wait_timeout("t_1", None, 1_200.0);
        assert_eq!(f.message, "task t_1 had not finished after 1 s");
        assert_eq!(
            (f.kind, f.task_id.as_deref(), f.may_have_created, f.retryable),
            (Kind::Timeout, Some("t_1"), false, false)
        );
        assert_eq!(
            f.hint.map(|h| h.text()).as_deref(),
            Some("The task may still finish: call waitForTask(\"t_1\") again.")
        );
    }

    #[test]
    fn a_failed_task_without_a_reason_says_so() {
        let task = crate::task::parse_task(&serde_json::json!({"data": {"status": "FAILED"}})).unwrap();
        let f = task_failed("t_2", task, "{}");
        assert_eq!((f.kind, f.message.as_str(), f.hint), (Kind::TaskFailed, "task t_2 failed: no reason given", None));
    }
}
