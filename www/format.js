// Times and statuses in the page's words.

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A span of time as a person says it: "0.3 s", "45 s", "12 min", "3 h", "5 days", "31.7 years". */
export function span(ms) {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  if (s < 31_536_000) return `${Math.round(s / 86_400)} days`;
  return `${(s / 31_536_000).toFixed(1)} years`;
}

/** "is running", "has succeeded": a task's status in a sentence. */
export function statusPhrase(status) {
  return { queued: "is queued", running: "is running", succeeded: "has succeeded", failed: "has failed" }[status] ?? `is ${status}`;
}
