//! When to retry a request, how long to wait before it, and when to poll a task: pure
//! functions of the clock and a random number, so the client and the benchmarks run the same
//! code and the tests need no timers.

use std::time::UNIX_EPOCH;

/// HTTP methods the client uses; they are retried differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reading a task: safe to repeat.
    Get,
    /// Creating a task: repeating it may charge twice.
    Post,
}

/// How a request ended, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No HTTP answer: the connection failed, was dropped, or timed out.
    NetworkError,
    /// An HTTP answer with this status.
    Status(u16),
}

/// The first retry waits up to this long (before jitter).
pub const BASE_DELAY_MS: u64 = 500;
/// No computed backoff waits longer than this.
pub const MAX_BACKOFF_MS: u64 = 20_000;
/// A `Retry-After` longer than this is not waited out: the error goes to the caller, with
/// the wait in it.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;
/// A `Retry-After` longer than this (a day; one of years is seen) is the server's mistake, not
/// advice: the error is still retryable, but its hint names no wait.
pub const LONGEST_MEANT_RETRY_AFTER_MS: u64 = 86_400_000;
/// Retries after the first try, unless the caller says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Whether a request that ended this way may be sent again.
///
/// A GET is retried on network errors, 429, 500, 502, 503 and 504. A POST only on 429, the
/// one answer that says the server did not process it: any other failure may have created
/// the task already, and a second POST could charge twice.
///
/// ```
/// use kling3_wasm::schedule::{is_retryable, Method, Outcome};
/// assert!(is_retryable(Method::Get, Outcome::Status(503)));
/// assert!(!is_retryable(Method::Post, Outcome::Status(503)));
/// assert!(is_retryable(Method::Post, Outcome::Status(429)));
/// ```
pub fn is_retryable(method: Method, outcome: Outcome) -> bool {
    match (method, outcome) {
        (_, Outcome::Status(429)) => true,
        (Method::Post, _) => false,
        (Method::Get, Outcome::NetworkError) => true,
        (Method::Get, Outcome::Status(status)) => matches!(status, 500 | 502 | 503 | 504),
    }
}

/// Exponential backoff with full jitter: a uniform wait between 0 and
/// `min(MAX_BACKOFF_MS, BASE_DELAY_MS × 2^retry)`, where `retry` counts from 0 and `random`
/// is in `[0, 1)`.
pub fn backoff_ms(retry: u32, random: f64) -> u64 {
    let ceiling = BASE_DELAY_MS.saturating_mul(1u64 << retry.min(20)).min(MAX_BACKOFF_MS);
    let r = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.5 };
    (ceiling as f64 * r) as u64
}

/// The wait before the next try, or `None` when there must be no next try: the outcome is not
/// retryable, the retries are used up, or the server asked for a wait longer than
/// [`MAX_RETRY_AFTER_MS`]. `retries_done` counts the retries already made; a server's
/// `Retry-After` (in ms) replaces the computed backoff.
///
/// ```
/// use kling3_wasm::schedule::{next_retry_delay, Method, Outcome};
/// assert_eq!(next_retry_delay(Method::Get, Outcome::Status(503), 0, 2, Some(3000), 0.5), Some(3000));
/// assert_eq!(next_retry_delay(Method::Get, Outcome::Status(503), 2, 2, None, 0.5), None);
/// ```
pub fn next_retry_delay(
    method: Method,
    outcome: Outcome,
    retries_done: u32,
    max_retries: u32,
    retry_after_ms: Option<u64>,
    random: f64,
) -> Option<u64> {
    if retries_done >= max_retries || !is_retryable(method, outcome) {
        return None;
    }
    match retry_after_ms {
        Some(wait) if wait > MAX_RETRY_AFTER_MS => None,
        Some(wait) => Some(wait),
        None => Some(backoff_ms(retries_done, random)),
    }
}

/// Reads a `Retry-After` header: delay-seconds (`"120"`) or an HTTP date, given the current
/// time in ms since the Unix epoch. A date in the past means "now" (0).
///
/// ```
/// use kling3_wasm::schedule::parse_retry_after;
/// assert_eq!(parse_retry_after("3", 0.0), Some(3000));
/// let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(10_000));
/// ```
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let value = value.trim();
    if let Some(seconds) = parse_digits(value) {
        return Some(seconds.saturating_mul(1000));
    }
    let at = parse_http_date(value)?;
    let wait = at as f64 - now_ms;
    Some(if wait > 0.0 { wait.ceil() as u64 } else { 0 })
}

/// A whole number written in ASCII digits only: no sign, no spaces (`str::parse` alone takes
/// `"+1"`).
fn parse_digits(s: &str) -> Option<u64> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Reads a `retry-after-ms` header: a number of milliseconds (a fraction rounds up).
pub fn parse_retry_after_ms(value: &str) -> Option<u64> {
    // An ASCII `char` pattern: a byte search, not core's string searcher (see `crate::text`).
    #[allow(clippy::disallowed_methods)]
    let (whole, fraction) = value.trim().split_once('.').unwrap_or((value.trim(), ""));
    let ms = parse_digits(whole)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(if fraction.bytes().any(|b| b != b'0') { ms.saturating_add(1) } else { ms })
}

/// The wait an answer asked for: its `retry-after-ms` header when it reads as one, else its
/// `Retry-After` (seconds or an HTTP date, given the time now in ms since the Unix epoch).
///
/// ```
/// use kling3_wasm::schedule::wait_asked;
/// assert_eq!(wait_asked(Some("120"), Some("9"), 0.0), Some(120));
/// assert_eq!(wait_asked(Some("soon"), Some("9"), 0.0), Some(9000));
/// assert_eq!(wait_asked(None, None, 0.0), None);
/// ```
pub fn wait_asked(retry_after_ms: Option<&str>, retry_after: Option<&str>, now_ms: f64) -> Option<u64> {
    retry_after_ms.and_then(parse_retry_after_ms).or_else(|| retry_after.and_then(|v| parse_retry_after(v, now_ms)))
}

/// Reads an HTTP date in any of the three forms RFC 9110 allows, to ms since the Unix epoch:
/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`.
/// The weekday must be the date's, as `httpdate` checks.
///
/// ```
/// use kling3_wasm::schedule::parse_http_date;
/// assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:01 GMT"), Some(1000));
/// assert_eq!(parse_http_date("tomorrow"), None);
/// ```
pub fn parse_http_date(s: &str) -> Option<i64> {
    let at = httpdate::parse_http_date(s).ok()?;
    let since_epoch = at.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since_epoch.as_millis()).ok()
}

/// How often to poll a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollSchedule {
    /// Suited to jobs of 60–180 s (see [`adaptive_delay_ms`]).
    Adaptive,
    /// Every this many ms.
    Fixed(u64),
}

/// The shortest fixed interval the client accepts, so a typo cannot flood the API.
pub const MIN_POLL_INTERVAL_MS: u64 = 100;

/// How long past a wait's deadline a poll sent at (or just before) it may take to answer: the
/// wait then ends with that answer, so a task done at the last moment is not lost.
pub const LAST_POLL_GRACE_MS: f64 = 1_000.0;

impl PollSchedule {
    /// The wait before the next poll, `elapsed_ms` after the task was created.
    pub fn next_delay_ms(self, elapsed_ms: u64) -> u64 {
        match self {
            PollSchedule::Adaptive => adaptive_delay_ms(elapsed_ms),
            PollSchedule::Fixed(ms) => ms.max(MIN_POLL_INTERVAL_MS),
        }
    }
}

/// The adaptive schedule, for jobs that usually take 60–180 s:
///
/// - a first look after 2 s, then every 2 s until 10 s, to report a refused or failed task
///   at once;
/// - every 10 s until 50 s, when hardly any job is done;
/// - every 3 s from 50 s to 200 s, the window where jobs finish, so a finished video is
///   noticed about 1.5 s after it is ready;
/// - after 200 s, slower and slower: the wait grows by a quarter of the time past 200 s, up
///   to 15 s.
///
/// ```
/// use kling3_wasm::schedule::adaptive_delay_ms;
/// assert_eq!(adaptive_delay_ms(0), 2_000);
/// assert_eq!(adaptive_delay_ms(20_000), 10_000);
/// assert_eq!(adaptive_delay_ms(90_000), 3_000);
/// assert_eq!(adaptive_delay_ms(600_000), 15_000);
/// ```
pub fn adaptive_delay_ms(elapsed_ms: u64) -> u64 {
    match elapsed_ms {
        0..10_000 => 2_000,
        10_000..40_000 => 10_000,
        // Land on 50 s, where the window starts.
        40_000..50_000 => 50_000 - elapsed_ms,
        50_000..200_000 => 3_000,
        _ => (3_000 + (elapsed_ms - 200_000) / 4).min(15_000),
    }
    .max(1_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gets_are_retried_on_network_errors_429_and_the_transient_5xx_only() {
        for status in [429, 500, 502, 503, 504] {
            assert!(is_retryable(Method::Get, Outcome::Status(status)), "{status}");
        }
        assert!(is_retryable(Method::Get, Outcome::NetworkError));
        for status in [200, 400, 401, 402, 403, 404, 409, 422, 501, 505] {
            assert!(!is_retryable(Method::Get, Outcome::Status(status)), "{status}");
        }
    }

    #[test]
    fn a_post_is_retried_only_on_429() {
        assert!(is_retryable(Method::Post, Outcome::Status(429)));
        assert!(!is_retryable(Method::Post, Outcome::NetworkError));
        for status in [400, 401, 402, 500, 502, 503, 504] {
            assert!(!is_retryable(Method::Post, Outcome::Status(status)), "{status}");
        }
    }

    #[test]
    fn backoff_doubles_with_full_jitter_up_to_the_cap() {
        assert_eq!(backoff_ms(0, 0.0), 0);
        assert_eq!(backoff_ms(0, 0.999_999), 499);
        assert_eq!(backoff_ms(1, 0.5), 500);
        assert_eq!(backoff_ms(2, 0.5), 1000);
        assert_eq!(backoff_ms(10, 0.5), 10_000);
        // The README's numbers: waits up to 0.5 s, 1 s, 2 s... capped at 20 s.
        let top: Vec<u64> = (0..8).map(|retry| backoff_ms(retry, 1.0)).collect();
        assert_eq!(top, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
        assert_eq!(backoff_ms(63, 1.0), 20_000);
        assert_eq!(backoff_ms(u32::MAX, f64::NAN), 10_000);
        for retry in 0..30 {
            for r in [0.0, 0.1, 0.5, 0.9, 1.0, -3.0, 7.0] {
                assert!(backoff_ms(retry, r) <= 20_000);
            }
        }
    }

    #[test]
    fn max_retries_counts_the_tries_after_the_first() {
        let delays: Vec<Option<u64>> =
            (0..4).map(|done| next_retry_delay(Method::Get, Outcome::NetworkError, done, 2, None, 0.5)).collect();
        assert_eq!(delays, [Some(250), Some(500), None, None]);
        assert_eq!(next_retry_delay(Method::Get, Outcome::NetworkError, 0, 0, None, 0.5), None);
    }

    #[test]
    fn retry_after_replaces_the_backoff_unless_it_is_too_long() {
        assert_eq!(next_retry_delay(Method::Post, Outcome::Status(429), 0, 2, Some(5_000), 0.1), Some(5_000));
        assert_eq!(next_retry_delay(Method::Post, Outcome::Status(429), 0, 2, Some(0), 0.1), Some(0));
        // The README's number: a Retry-After over 60 s is not slept through.
        assert_eq!(next_retry_delay(Method::Get, Outcome::Status(429), 0, 2, Some(60_000), 0.1), Some(60_000));
        assert_eq!(next_retry_delay(Method::Get, Outcome::Status(429), 0, 2, Some(60_001), 0.1), None);
        assert_eq!(next_retry_delay(Method::Post, Outcome::Status(500), 0, 2, Some(1_000), 0.1), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_all_three_http_date_forms() {
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("120", now), Some(120_000));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0));
        for date in ["Sun, 06 Nov 1994 08:49:57 GMT", "Sunday, 06-Nov-94 08:49:57 GMT", "Sun Nov  6 08:49:57 1994"] {
            assert_eq!(parse_retry_after(date, now), Some(20_000), "{date}");
        }
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(0), "a past date is now");
        for bad in [
            "",
            "soon",
            "-5",
            "1.5",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("Wed, 25 Nov 2026 12:00:00 GMT"), Some(1_795_608_000_000));
    }

    #[test]
    fn delay_seconds_are_ascii_digits_only() {
        assert_eq!(parse_digits("0042"), Some(42));
        assert_eq!(parse_digits("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "18446744073709551616", "+1", "-1", " 1", "1.5", "١"] {
            assert_eq!(parse_digits(bad), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_ms_reads_milliseconds() {
        assert_eq!(parse_retry_after_ms("1500"), Some(1500));
        assert_eq!(parse_retry_after_ms("12.2"), Some(13));
        assert_eq!(parse_retry_after_ms("-1"), None);
        assert_eq!(parse_retry_after_ms("NaN"), None);
        assert_eq!(parse_retry_after_ms("x"), None);
    }

    /// The times of the polls of the adaptive schedule over the first `until_ms`.
    fn poll_times(until_ms: u64) -> Vec<u64> {
        let mut t = 0;
        let mut times = vec![];
        while t < until_ms {
            t += PollSchedule::Adaptive.next_delay_ms(t);
            times.push(t);
        }
        times
    }

    #[test]
    fn the_adaptive_schedule_looks_early_waits_through_the_quiet_part_and_watches_the_window() {
        let times = poll_times(200_000);
        assert_eq!(&times[..8], [2_000, 4_000, 6_000, 8_000, 10_000, 20_000, 30_000, 40_000]);
        assert!(times.contains(&50_000), "the window starts on time: {times:?}");
        let in_window: Vec<u64> = times.windows(2).filter(|w| w[0] >= 50_000).map(|w| w[1] - w[0]).collect();
        assert!(in_window.iter().all(|d| *d == 3_000), "{in_window:?}");
        // A 60–180 s job is seen within 3 s of finishing, with few polls.
        for job_s in [60u64, 90, 120, 180] {
            let seen = times.iter().find(|t| **t >= job_s * 1000).copied().unwrap_or(u64::MAX);
            assert!(seen - job_s * 1000 <= 3_000, "{job_s}s seen at {seen}");
            let polls = times.iter().filter(|t| **t <= seen).count();
            assert!(polls <= 12 + (job_s as usize - 50) / 3 + 1, "{job_s}s: {polls} polls");
        }
    }

    #[test]
    fn after_the_window_polls_slow_down_to_15_seconds() {
        assert_eq!(adaptive_delay_ms(200_000), 3_000);
        assert_eq!(adaptive_delay_ms(220_000), 8_000);
        assert_eq!(adaptive_delay_ms(10_000_000), 15_000);
        assert_eq!(adaptive_delay_ms(u64::MAX), 15_000);
    }

    #[test]
    fn a_fixed_interval_is_kept_but_never_below_the_floor() {
        assert_eq!(PollSchedule::Fixed(5_000).next_delay_ms(123), 5_000);
        // The README's number: at least 100 ms.
        assert_eq!(PollSchedule::Fixed(0).next_delay_ms(0), 100);
        assert_eq!(PollSchedule::Fixed(99).next_delay_ms(0), 100);
        assert_eq!(PollSchedule::Fixed(100).next_delay_ms(0), 100);
    }
}
