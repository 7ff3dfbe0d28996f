// The package's error classes. The wasm module creates them through `makeError`, and the
// package's entry points export the same classes, so `instanceof` works on what it throws.

/** Base of every error this package throws. `code` is a stable snake_case word. */
export class KlingError extends Error {
  // The class's own name, kept through minification (`e.constructor.name`, Node's inspect).
  static name = "KlingError";
  constructor(message, options) {
    super(message, options && "cause" in options ? { cause: options.cause } : undefined);
    this.name = "KlingError";
    this.code = (options && options.code) || "kling_error";
  }
}

/** The input breaks one or more rules: `errors` lists every problem, as `validateRequest` does. */
export class ValidationError extends KlingError {
  static name = "ValidationError";
  constructor(message, errors = [], warnings = []) {
    super(message, { code: "validation_failed" });
    this.name = "ValidationError";
    this.errors = errors;
    this.warnings = warnings;
  }
}

/** The API answered with an error: HTTP `status`, the body's `code`, `type` and `message`. */
export class ApiError extends KlingError {
  static name = "ApiError";
  constructor(message, { status = 0, code = "api_error", type = null, body = null, retryAfterMs = null } = {}) {
    super(message, { code: typeof code === "string" ? code : "api_error" });
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.type = type;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The task ended in failure: `task` is the last status read. */
export class TaskFailedError extends KlingError {
  static name = "TaskFailedError";
  constructor(message, { taskId = null, task = null } = {}) {
    super(message, { code: "task_failed" });
    this.name = "TaskFailedError";
    this.taskId = taskId;
    this.task = task;
  }
}

/** Waiting took too long. The task may still finish: keep polling `taskId`. */
export class TimeoutError extends KlingError {
  static name = "TimeoutError";
  constructor(message, { taskId = null } = {}) {
    super(message, { code: "timeout" });
    this.name = "TimeoutError";
    this.taskId = taskId;
  }
}

/** Called by the wasm module: an error of the class that fits `code`, with its fields. */
export function makeError(code, message, fields) {
  const f = fields || {};
  let error;
  switch (code) {
    case "validation_failed":
      return new ValidationError(message, f.errors || [], f.warnings || []);
    case "api_error":
      error = new ApiError(message, f);
      break;
    case "task_failed":
      return new TaskFailedError(message, f);
    case "timeout":
      return new TimeoutError(message, f);
    default:
      error = new KlingError(message, f.cause !== undefined ? { code, cause: f.cause } : { code });
  }
  // Any error raised after a task was created names it, so the caller can look it up.
  if (f.taskId != null) error.taskId = f.taskId;
  return error;
}
