// A strict TypeScript consumer of the package: it must compile with `tsc --noEmit`, and each
// `@ts-expect-error` must meet a real type error, so the types cannot loosen to `any`.
import { createProxyHandler, durableObjectStore, KlingProxyStore, toNodeHandler, type NodeRequest, type NodeResponse, type Principal, type ProxyOptions, type ProxyStore } from "kling3-wasm/proxy";
import { estimateCost as estimateInline } from "kling3-wasm/inline";
import * as k from "kling3-wasm";
import {
  ApiError,
  KlingClient,
  TaskFailedError,
  TimeoutError,
  type ClientOptions,
  type Progress,
  buildRequest,
  estimateCost,
  KlingError,
  normalizeRequest,
  parseTask,
  toCurl,
  validateRequest,
  ValidationError,
  type AspectRatio,
  type BuiltRequest,
  type Code,
  type Cost,
  type Issue,
  type KlingRequest,
  type Mode,
  type Status,
  type Task,
  type Validation,
  nextPollDelay,
  requestLimits,
  type Limits,
  clientDefaults,
  type ClientDefaults,
  statusText,
  isTaskId,
  toSnippet,
  type SnippetLanguage,
  type SnippetOptions,
  attemptVerdict,
  checkApiKey,
  checkIdempotencyKey,
  checkTaskId,
  type AttemptAnswer,
  type AttemptVerdict,
  type CreateTaskOptions,
  type GenerateOptions,
  type WaitOptions,
} from "kling3-wasm";

const request: KlingRequest = {
  prompt: "A golden retriever running through sunflowers",
  mode: "pro",
  duration: 5,
  aspect_ratio: "9:16",
  sound: false,
  multi_shots: true,
  multi_prompt: [{ prompt: "a", duration: 5 }],
  kling_elements: [{ name: "dog", element_input_urls: ["https://a/1.png", "https://a/2.png"] }],
  callback_url: "https://hooks.example/x",
};

// A body copied from the API docs into a variable (its strings widened to `string`), with a
// field the package does not know: every function takes it as it is.
const copied = { model: "kling-3", prompt: "a", mode: "std", duration: 5, aspect_ratio: "16:9", sound: true, seed: 7 };
const copiedBody: string = buildRequest(copied).body;
const copiedCost: Cost = estimateCost(copied);
const extraField = normalizeRequest({ prompt: "a", seed: 1 });
void [copiedBody, copiedCost, extraField];

const report: Validation = validateRequest(request);
const anything: Validation = validateRequest(JSON.parse("null"));
const valid: boolean = report.valid && anything.valid;
const firstCode: Code | undefined = report.errors[0]?.code;
const issues: Issue[] = report.warnings;

const body = normalizeRequest(request);
const mode: Mode = body.mode;
const seconds: number = body.duration;
const ratio: AspectRatio = body.aspect_ratio;
const model: "kling-3" = body.model;

const cost: Cost = estimateCost({});
const credits: number = cost.credits + cost.creditsPerSecond * cost.seconds;

const built: BuiltRequest = buildRequest(request, { apiKey: "aio_x", baseUrl: "/api/v1" });
const builtNoOptions: BuiltRequest = buildRequest(request);
const headers: Record<string, string> = built.headers;
const curl: string = toCurl(built) + toCurl(builtNoOptions, { redactKey: false });
const languages: SnippetLanguage[] = ["curl", "js", "fetch", "python"];
const snippetOptions: SnippetOptions = { language: "python", redactKey: false };
const snippets: string[] = [...languages.map((language) => toSnippet(built, { language })), toSnippet(built, snippetOptions)];

const task: Task = parseTask({ data: { status: "COMPLETED" } });
const status: Status = task.status;
const url: string | null = task.videoUrl;
const raw: unknown = task.raw;

try {
  normalizeRequest({});
} catch (e) {
  if (e instanceof ValidationError) {
    const paths: string[] = e.errors.map((i) => i.path);
    void paths;
  } else if (e instanceof KlingError) {
    const code: string | number = e.code; // an ApiError's is the API's own number
    void code;
  }
}

async function useTheClient(): Promise<string | null> {
  const options: ClientOptions = { apiKey: "aio_x", baseUrl: "/api/v1", maxRetries: 3, timeoutMs: 10_000, fetch: globalThis.fetch };
  // A mock is called as fetch(url, init) and answers with a genuine Response.
  const byUrl: ClientOptions = { fetch: async (url: string, init?: RequestInit) => new Response(String(init?.body ?? url)) };
  // @ts-expect-error: the fetch gets the URL as a string, not a Request
  const byRequest: ClientOptions = { fetch: async (input: Request) => new Response(input.url) };
  // @ts-expect-error: an object that only looks like a Response is not one
  const lookalike: ClientOptions = { fetch: async () => ({ ok: true, status: 200, json: async () => ({ data: { task_id: "t" } }) }) };
  void [byUrl, byRequest, lookalike];
  const client = new KlingClient(options);
  const controller = new AbortController();
  const created: Task = await client.createTask(request, { signal: controller.signal, callbackUrl: "https://h.example/x" });
  const polled: Task = await client.getTask(created.taskId ?? "", { signal: controller.signal });
  const onProgress = (p: Progress) => console.log(p.taskId, p.status, p.elapsedMs, p.polls);
  const waited = await client.waitForTask(polled.taskId ?? "", { timeoutMs: 60_000, pollIntervalMs: 2000, onProgress });
  try {
    const task = await client.generate(request, { signal: controller.signal, onProgress, onCreated: (t: Task) => console.log(t.taskId) });
    return task.videoUrl ?? waited.videoUrl;
  } catch (e) {
    if (e instanceof KlingError) {
      // An ApiError's code is the API's own, a number such as 400: not always a string.
      // @ts-expect-error: code may be a number
      void e.code.toUpperCase();
      const code: string | number = e.code;
      void code;
      // Every error says what the caller can do, in fields.
      const flags: [boolean, boolean] = [e.mayHaveCreated, e.retryable];
      const hint: string | null = e.hint;
      void [flags, hint];
    }
    if (e instanceof ApiError) return `${e.status} ${e.type}`;
    if (e instanceof TaskFailedError) return e.task?.error ?? null;
    if (e instanceof TimeoutError) return e.taskId;
    throw e;
  }
}

const proxyOptions: ProxyOptions = { apiKey: "aio_x", upstream: "https://apiin.one/api/v1", maxCreditsPerTask: 500, allowedOrigins: ["https://app.example"] };
const handle: (request: Request) => Promise<Response> = createProxyHandler(proxyOptions);
const listener: (req: NodeRequest, res: NodeResponse) => Promise<void> = toNodeHandler(handle);
// @ts-expect-error: the handler is a function of a Request
toNodeHandler("handle");
void listener;
createProxyHandler({
  apiKey: "aio_x",
  callbacks: { publicUrl: "https://app.example/api/v1", secret: "0123456789abcdef0123456789abcdef" },
  onTaskDone: async (done: Task, who: Principal | null) => {
    const video: string | null = done.status === "succeeded" ? done.videoUrl : null;
    void [video, who?.id];
  },
});
// @ts-expect-error: callbacks need a secret
createProxyHandler({ apiKey: "aio_x", callbacks: { publicUrl: "https://app.example/api/v1" } });

// A worker's Durable Object binding, in the shape Cloudflare's DurableObjectNamespace has.
const binding = { idFromName: (name: string) => ({ name }), get: (_id: { name: string }) => ({ fetch: async (_input: string, _init: RequestInit) => new Response("null") }) };
const durable: ProxyStore = durableObjectStore(binding, { name: "kling3" });
const durableHandle = createProxyHandler({ apiKey: "aio_x", store: durableObjectStore(binding) });
const storeClass: typeof KlingProxyStore = KlingProxyStore;
// @ts-expect-error: the namespace is a binding, not its name
durableObjectStore("KLING_STORE");
// @ts-expect-error: the name is a string
durableObjectStore(binding, { name: 7 });

// @ts-expect-error: the client's helpers are internal (types only, no value)
k.clientSettings({}, true);
// @ts-expect-error: maxRetries is a number
new KlingClient({ maxRetries: "3" });
// @ts-expect-error: the task id is a string
new KlingClient().getTask(42);
// @ts-expect-error: the proxy needs the key
createProxyHandler({ upstream: "https://apiin.one/api/v1" });
// @ts-expect-error: "ultra" is not a mode
const badMode: KlingRequest = { prompt: "a", mode: "ultra" };
// @ts-expect-error: "4:3" is not an aspect ratio
const badRatio: KlingRequest = { prompt: "a", aspect_ratio: "4:3" };
// @ts-expect-error: duration is a number
const badDuration: KlingRequest = { prompt: "a", duration: "5" };
// @ts-expect-error: sound is a boolean
estimateCost({ sound: "yes" });
// @ts-expect-error: duration is a number, even in the loose input type
buildRequest({ prompt: "a", duration: "5" });
// @ts-expect-error: shots need a prompt and a duration
const badShot: KlingRequest = { multi_shots: true, multi_prompt: [{ prompt: "a" }] };
// @ts-expect-error: the status is one of four words
const badStatus: Status = "done";
// @ts-expect-error: redactKey is a boolean
toCurl(built, { redactKey: "no" });
// @ts-expect-error: the language is one of four words
toSnippet(built, { language: "ruby" });
// @ts-expect-error: the language is required
toSnippet(built, {});
// @ts-expect-error: the options are required
toSnippet(built);
// @ts-expect-error: videoUrl may be null
const notNull: string = task.videoUrl;

const limits: Limits = requestLimits();
const maxShots: number = limits.maxShots;
const defaults: ClientDefaults = clientDefaults();
const waitMs: number = defaults.waitTimeoutMs;
const said: string = statusText(429);
const idOk: boolean = isTaskId("t1");
const delays: number[] = [nextPollDelay(0), nextPollDelay(60_000, 2000)];
const inlineCredits: number = estimateInline({ duration: 3 }).credits;
// @ts-expect-error: the elapsed time is a number
nextPollDelay("soon");

// What a proxy reads instead of working the rules out again.
const answer: AttemptAnswer = { method: "POST", status: 502, headers: new Headers(), text: "" };
const verdict: AttemptVerdict = attemptVerdict(answer);
const refund: boolean = verdict.outcome === "failure" && !verdict.mayHaveCreated;
const wait: number | null = verdict.delayMs ?? verdict.retryAfterMs;
const verdictTask: Task | null = verdict.task;
const hintText: string | null = verdict.hint;
attemptVerdict({ method: "GET", status: 429, headers: { "Retry-After": "3" }, text: "{}", retries: 1, maxRetries: 2, taskId: "t1", random: 0.5 });
// @ts-expect-error: the method is GET or POST
attemptVerdict({ method: "PUT", status: 200, text: "" });
// @ts-expect-error: the answer's body is needed
attemptVerdict({ method: "GET", status: 200 });
const keyProblem: Issue | null = checkIdempotencyKey("two words") ?? checkTaskId("..") ?? checkApiKey("aio x");
const createOptions: CreateTaskOptions = { signal: new AbortController().signal, callbackUrl: "https://h.example/x", idempotencyKey: "k1" };
const waitOptions: WaitOptions = { timeoutMs: 1000, pollIntervalMs: 100, onProgress: async (p) => void p.polls, onPollError: (e) => void [e.retryable, e.taskId] };
const generateOptions: GenerateOptions = { ...createOptions, ...waitOptions, onCreated: async (t) => void t.taskId };
// @ts-expect-error: onCreated is a function
const badCreated: GenerateOptions = { onCreated: "log" };
// @ts-expect-error: pollIntervalMs is a number
const badWait: WaitOptions = { pollIntervalMs: "1s" };
const made = new KlingError("x", { code: "x", mayHaveCreated: true, retryable: false, hint: "look", taskId: "t1" });
const madeFlags: boolean = made.mayHaveCreated && made.retryable;
void [refund, wait, verdictTask, hintText, keyProblem, generateOptions, badCreated, badWait, madeFlags];
void [useTheClient, handle, delays, inlineCredits, maxShots, waitMs, said, idOk, snippets];
void [valid, firstCode, issues, mode, seconds, ratio, model, credits, headers, curl, status, url, raw];
void [badMode, badRatio, badDuration, badShot, badStatus, notNull];
