// Loaded before each README example run in Node: calls meant for the real API go to the
// sandbox instead (SANDBOX_API), so the examples run as written, offline.
const real = "https://apiin.one/api/v1";
const sandbox = process.env.SANDBOX_API;
const fetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith(real)) return fetch(input, init);
  const to = sandbox + url.slice(real.length);
  if (!(input instanceof Request)) return fetch(to, init);
  // The package calls fetch with a Request: the same request, to the sandbox.
  const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.text();
  return fetch(to, { method: input.method, headers: input.headers, body, signal: input.signal, ...init });
};
