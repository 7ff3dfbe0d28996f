// A key-keeping proxy for the Kling 3.0 API: a standard fetch handler (Request → Response),
// the shape Workers, Bun and Deno serve (and Node through an adapter). It adds the API key on
// the server, checks and prices each new task with the package before forwarding it, refuses
// tasks over a credit cap and requests from origins not allowed, and never returns the key.
import { buildRequest, estimateCost, validateRequest } from "kling3-wasm";

const MAX_BODY_BYTES = 1_000_000;
const DEFAULT_UPSTREAM = "https://apiin.one/api/v1";

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function apiError(status, message, type, headers, extra = {}) {
  return json(status, { error: { code: status, message, type, ...extra } }, headers);
}

/**
 * Creates the handler. `apiKey` is required; `upstream` defaults to the real API;
 * `maxCreditsPerTask` refuses dearer tasks; `allowedOrigins` lists the browser origins that may
 * call it (default: the proxy's own origin only); `fetch` replaces the global fetch.
 */
export function createProxyHandler({ apiKey, upstream = DEFAULT_UPSTREAM, maxCreditsPerTask, allowedOrigins, fetch: fetchFn = globalThis.fetch } = {}) {
  if (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError("createProxyHandler: apiKey must be the API key, printable ASCII without spaces");
  }
  if (maxCreditsPerTask !== undefined && !(Number.isInteger(maxCreditsPerTask) && maxCreditsPerTask >= 0)) {
    throw new TypeError("createProxyHandler: maxCreditsPerTask must be a whole number of credits");
  }
  if (allowedOrigins !== undefined && !(Array.isArray(allowedOrigins) && allowedOrigins.every((o) => typeof o === "string"))) {
    throw new TypeError('createProxyHandler: allowedOrigins must be a list of origins such as ["https://example.com"]');
  }
  if (typeof fetchFn !== "function") throw new TypeError("createProxyHandler: fetch must be a function");
  // Checks the upstream URL the same way the client does, and joins paths without a double slash.
  const createUrl = buildRequest({ prompt: "x" }, { baseUrl: upstream }).url;
  const base = createUrl.slice(0, -"/videos/generations".length);
  const scrub = (text) => text.split(apiKey).join("[redacted]");

  return async function handle(request) {
    const url = new URL(request.url);
    const origin = request.headers.get("Origin");
    const allowed = origin === null || origin === url.origin || (allowedOrigins ?? []).includes(origin) || (allowedOrigins ?? []).includes("*");
    const cors = origin && allowed
      ? { "Access-Control-Allow-Origin": origin, Vary: "Origin", "Access-Control-Expose-Headers": "Retry-After, retry-after-ms" }
      : {};
    if (!allowed) return apiError(403, `Origin ${origin} may not use this proxy`, "origin_not_allowed", { Vary: "Origin" });
    if (request.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: { ...cors, "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600" },
      });
    }

    let target;
    let init;
    if (request.method === "POST" && url.pathname.endsWith("/videos/generations")) {
      const text = await request.text();
      if (text.length > MAX_BODY_BYTES) return apiError(413, "Request body too large", "invalid_request", cors);
      let input;
      try {
        input = JSON.parse(text);
      } catch {
        return apiError(400, "The body is not valid JSON", "invalid_request", cors);
      }
      const report = validateRequest(input);
      if (!report.valid) {
        return apiError(400, `Invalid parameters: ${report.errors.map((e) => e.message).join("; ")}`, "invalid_request", cors, { details: report.errors });
      }
      const cost = estimateCost(input);
      if (maxCreditsPerTask !== undefined && cost.credits > maxCreditsPerTask) {
        return apiError(403, `This task costs ${cost.credits} credits; this proxy allows at most ${maxCreditsPerTask} per task`, "credit_cap", cors, { credits: cost.credits });
      }
      const built = buildRequest(input, { apiKey, baseUrl: upstream });
      target = built.url;
      init = { method: "POST", headers: built.headers, body: built.body };
    } else if (request.method === "GET" && /\/tasks\/[^/]+$/.test(url.pathname)) {
      const id = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
      target = `${base}/tasks/${id}`;
      init = { method: "GET", headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/json" } };
    } else {
      return apiError(404, `No route ${request.method} ${url.pathname}`, "not_found", cors);
    }

    let answer;
    try {
      answer = await fetchFn(target, { ...init, signal: request.signal });
    } catch {
      return apiError(502, "The proxy could not reach the API", "upstream_unreachable", cors);
    }
    const headers = { ...cors, "Content-Type": answer.headers.get("Content-Type") ?? "application/json" };
    for (const name of ["Retry-After", "retry-after-ms"]) {
      const value = answer.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return new Response(scrub(await answer.text()), { status: answer.status, headers });
  };
}
