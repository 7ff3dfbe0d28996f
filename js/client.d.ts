import type {
  ClientOptions,
  CreateTaskOptions,
  GenerateOptions,
  KlingRequest,
  RequestOptions,
  Task,
  WaitOptions,
} from "./node/kling3_wasm.js";

/** The HTTP client: `new KlingClient({ apiKey, baseUrl, fetch, maxRetries, timeoutMs })`. */
export declare class KlingClient {
  /** Checks every option at once; throws `ValidationError` naming the bad ones. */
  constructor(options?: ClientOptions);
  /** Validates `input` (sending nothing when it is invalid), then creates the task. */
  createTask(input: KlingRequest, options?: CreateTaskOptions): Promise<Task>;
  /** Reads a task once (GETs are tried again on network errors, 429 and 5xx). */
  getTask(taskId: string, options?: RequestOptions): Promise<Task>;
  /**
   * Polls until the task succeeds; rejects with `TaskFailedError`, `TimeoutError` (with the
   * task id: it may still finish) or the signal's abort reason.
   */
  waitForTask(taskId: string, options?: WaitOptions): Promise<Task>;
  /** `createTask`, then `waitForTask`, with the same signal. */
  generate(input: KlingRequest, options?: GenerateOptions): Promise<Task>;
}
