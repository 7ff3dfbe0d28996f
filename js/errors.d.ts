import type { Issue, Task } from "./types/kling3_wasm.js";

/** Base of every error this package throws. `code` is a stable snake_case word. */
export declare class KlingError extends Error {
  constructor(message: string, options?: { code?: string; cause?: unknown });
  code: string;
  /**
   * Set on errors raised after the task was created (a network error or an unreadable answer
   * while waiting...): the task exists, look it up with `getTask`/`waitForTask`.
   */
  taskId?: string | null;
  /**
   * `true` on an error of `createTask` or `generate` whose create may have reached the API all
   * the same (no answer came, it timed out, the API had a 5xx, or its answer was unreadable): the
   * task may exist, and be charged. Look for it before sending the request again.
   */
  mayHaveCreated?: boolean;
  /**
   * `true` when the same call may well succeed later: no answer came, or the API answered 429
   * or a 5xx the client retries (or a poll's answer could not be read), and the client's own
   * tries (`maxRetries`) ran out. A page watching a task can go on polling.
   */
  retryable?: boolean;
}

/** The input breaks one or more rules: `errors` lists every problem, as `validateRequest` does. */
export declare class ValidationError extends KlingError {
  constructor(message: string, errors?: Issue[], warnings?: Issue[]);
  code: "validation_failed";
  errors: Issue[];
  warnings: Issue[];
}

/** The API answered with an error. */
export declare class ApiError extends KlingError {
  constructor(
    message: string,
    fields?: { status?: number; code?: string | number; type?: string | null; body?: unknown; retryAfterMs?: number | null },
  );
  /**
   * The answer's HTTP status (an HTTP 200 whose body holds an error code keeps 200: the body's
   * code is `code`). 0 for a redirect a browser does not show (a create is never redirected).
   */
  status: number;
  /** The error body's code. */
  code: any;
  type: string | null;
  /** The response body, parsed when it was JSON. */
  body: unknown;
  retryAfterMs: number | null;
  /** The task asked about, when the error came while reading or waiting for one. */
  taskId?: string | null;
}

/** The task ended in failure: `task` is the last status read. */
export declare class TaskFailedError extends KlingError {
  constructor(message: string, fields?: { taskId?: string | null; task?: Task | null });
  taskId: string | null;
  task: Task | null;
}

/** Waiting took too long. The task may still finish: keep polling `taskId`. */
export declare class TimeoutError extends KlingError {
  constructor(message: string, fields?: { taskId?: string | null });
  taskId: string | null;
}
