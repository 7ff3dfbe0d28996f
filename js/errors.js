// The package's error classes. The wasm module creates them through `makeError`, and the
// package's entry points export the same classes, so `instanceof` works on what it throws.

/**
 * Base of every error this package throws. `code` is a stable snake_case word; the message says
 * what happened, and the fields what the caller can do: `mayHaveCreated` and `retryable` (always
 * there, false unless true), `hint` (a sentence for a person, or null) and `taskId` when known.
 */
export class KlingError extends Error {
  // The class's own name, kept through minification (`e.constructor.name`, Node's inspect).
  static name = "KlingError";
  constructor(message, options) {
    super(message, options && "cause" in options ? { cause: options.cause } : undefined);
    this.name = "KlingError";
    this.code = (options && options.code) || "kling_error";
    this.mayHaveCreated = options?.mayHaveCreated === true;
    this.retryable = options?.retryable === true;
    this.hint = typeof options?.hint === "string" ? options.hint : null;
    if (options?.taskId != null) this.taskId = options.taskId;
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
  constructor(message, fields = {}) {
    const { status = 0, code, type = null, body = null, retryAfterMs = null } = fields;
    super(message, { ...fields, code: typeof code === "string" ? code : "api_error" });
    this.name = "ApiError";
    this.status = status;
    // The body's own code (the API's is a number, such as 400), else "api_error".
    this.code = code ?? "api_error";
    this.type = type;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The task ended in failure: `task` is the last status read. */
export class TaskFailedError extends KlingError {
  static name = "TaskFailedError";
  constructor(message, fields = {}) {
    const { taskId = null, task = null } = fields;
    super(message, { ...fields, code: "task_failed" });
    this.name = "TaskFailedError";
    this.taskId = taskId;
    this.task = task;
  }
}

/** Waiting took too long. The task may still finish: keep polling `taskId`. */
export class TimeoutError extends KlingError {
  static name = "TimeoutError";
  constructor(message, fields = {}) {
    const { taskId = null } = fields;
    super(message, { ...fields, code: "timeout" });
    this.name = "TimeoutError";
    this.taskId = taskId;
  }
}

/**
 * Called by the wasm module: an error of the class that fits `code`, with its fields (every
 * value, `mayHaveCreated`, `retryable`, `hint` and `taskId` included, is the module's).
 */
export function makeError(code, message, fields) {
  const f = fields || {};
  switch (code) {
    case "validation_failed":
      return new ValidationError(message, f.errors || [], f.warnings || []);
    case "api_error":
      return new ApiError(message, f);
    case "task_failed":
      return new TaskFailedError(message, f);
    case "timeout":
      return new TimeoutError(message, f);
    default: {
      const { cause, ...rest } = f;
      return new KlingError(message, cause !== undefined ? { ...rest, code, cause } : { ...rest, code });
    }
  }
}
