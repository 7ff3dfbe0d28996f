import type { Issue, Task } from "./types/kling3_wasm.js";

/** What the package's errors carry besides their message: what the caller can do. */
export interface ErrorFields {
  code?: string | number;
  cause?: unknown;
  mayHaveCreated?: boolean;
  retryable?: boolean;
  hint?: string | null;
  taskId?: string | null;
}

/**
 * Base of every error this package throws. `code` is a stable snake_case word, except an
 * `ApiError`'s: the error body's own code (the API's is a number, such as 400). The message
 * says what happened; what the caller can do is in the fields, never in the message.
 */
export declare class KlingError extends Error {
  constructor(message: string, options?: ErrorFields);
  code: string | number;
  /**
   * The task the error is about, when known: set on errors raised after the task was created (a
   * network error or an unreadable answer while waiting...): look it up with `getTask`/`waitForTask`.
   */
  taskId?: string | null;
  /**
   * `true` on an error of `createTask` or `generate` whose create may have reached the API all
   * the same (no answer came, it timed out, the API had a 5xx, redirected, or its answer was
   * unreadable): the task may exist, and be charged. Look for it before sending the request
   * again. Always there: `false` unless true.
   */
  mayHaveCreated: boolean;
  /**
   * `true` when the same call may well succeed later: no answer came, or the API answered 429
   * or a 5xx the client retries (or a poll's answer could not be read), and the client's own
   * tries (`maxRetries`) ran out. Given `onPollError`, `waitForTask` goes on polling through
   * those by itself, once its client has reached the API. Always there: `false` unless true.
   */
  retryable: boolean;
  /**
   * What to do, as a sentence for a person (written once, in the package), or `null`: for a
   * create that may have reached the API, to look for the task before sending again; for a
   * wait's timeout, to call `waitForTask(id)` again; for a retryable error, to try again later.
   */
  hint: string | null;
}

/** The input breaks one or more rules: `errors` lists every problem, as `validateRequest` does. */
export declare class ValidationError extends KlingError {
  constructor(message: string, errors?: Issue[], warnings?: Issue[]);
  code: "validation_failed";
  errors: Issue[];
  warnings: Issue[];
}

/**
 * The API answered with an error. `message` is the API's own message when its body has one,
 * otherwise what the status means (without the status, which is `status`).
 */
export declare class ApiError extends KlingError {
  constructor(
    message: string,
    fields?: ErrorFields & { status?: number; code?: string | number; type?: string | null; body?: unknown; retryAfterMs?: number | null },
  );
  /**
   * The answer's HTTP status (an HTTP 200 whose body holds an error code keeps 200: the body's
   * code is `code`). 0 for a redirect a browser does not show (a create is never redirected).
   */
  status: number;
  /** The error body's code as the API gave it (a number, such as 400, or a word), else "api_error". */
  code: string | number;
  type: string | null;
  /** The response body, parsed when it was JSON. */
  body: unknown;
  retryAfterMs: number | null;
  /** The task asked about, when the error came while reading or waiting for one. */
  taskId?: string | null;
}

/** The task ended in failure: `task` is the last status read. */
export declare class TaskFailedError extends KlingError {
  constructor(message: string, fields?: ErrorFields & { task?: Task | null });
  taskId: string | null;
  task: Task | null;
}

/** Waiting took too long. The task may still finish: keep polling `taskId`. */
export declare class TimeoutError extends KlingError {
  constructor(message: string, fields?: ErrorFields);
  taskId: string | null;
}
