// Loaded before each example of the docs run in Node: calls meant for the real API, or for
// `npm start`'s sandbox on its default address, go to the test's sandbox instead (SANDBOX_API),
// so the examples run as written, offline.
const sandbox = process.env.SANDBOX_API;
const redirects = [
  ["https://apiin.one/api/v1", sandbox],
  ["http://127.0.0.1:8080", new URL(sandbox).origin],
];
const fetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const [from, to] = redirects.find(([from]) => url === from || url.startsWith(`${from}/`)) ?? [];
  if (!from) return fetch(input, init);
  const target = to + url.slice(from.length);
  if (!(input instanceof Request)) return fetch(target, init);
  // The package calls fetch with a Request: the same request, to the sandbox.
  const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.text();
  return fetch(target, { method: input.method, headers: input.headers, body, signal: input.signal, ...init });
};
