// Loaded before each README example run in Node: calls meant for the real API go to the
// sandbox instead (SANDBOX_API), so the examples run as written, offline.
const real = "https://apiin.one/api/v1";
const sandbox = process.env.SANDBOX_API;
const fetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return fetch(url.startsWith(real) ? sandbox + url.slice(real.length) : input, init);
};
