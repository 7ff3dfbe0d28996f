// The connection: where Send goes (the base URL, picked from what serves this page), the key
// (in memory, or in sessionStorage for the tab when asked, never in localStorage) and how long
// the page waits for a task.
import { clientDefaults } from "/pkg/web.js";
import { $ } from "./dom.js";

const DEFAULTS = clientDefaults();

// What serves this page, asked at once (the page preloads it) so the answer is there when the
// first checks are done.
const serverInfo = fetch("/_server", { headers: { Accept: "application/json" } })
  .then((response) => (response.ok ? response.json() : null))
  .catch(() => null);

const KEY_STORE = "kling3-wasm:api-key";

/** The key stays in memory; "remember for this tab" opts in to sessionStorage, never localStorage. */
function setUpKey() {
  const saved = sessionStorage.getItem(KEY_STORE);
  if (saved) {
    $("api-key").value = saved;
    $("remember-key").checked = true;
  }
  const store = () => {
    if ($("remember-key").checked && $("api-key").value) sessionStorage.setItem(KEY_STORE, $("api-key").value);
    else sessionStorage.removeItem(KEY_STORE);
  };
  $("remember-key").addEventListener("change", store);
  $("api-key").addEventListener("input", store);
}

/** What answers /api/v1 where this page is served: "sandbox", "proxy", or null. */
let server = null;
/** The base URL this server gives for its own API. */
let serverBaseUrl = null;

/** Whether the sandbox answers /api/v1 where this page is served. */
export const onSandbox = () => server === "sandbox";

/**
 * Sets the fields up: the package's defaults, the key kept for this tab, then (once the server
 * has said what it is) the base URL and key that suit the sandbox, the proxy or a static host.
 */
export async function setUpConnection() {
  // An empty base URL means the package's own: the placeholder says which.
  $("base-url").defaultValue = DEFAULTS.baseUrl;
  $("base-url").placeholder = DEFAULTS.baseUrl;
  $("wait-limit").max = String(DEFAULTS.maxWaitTimeoutMs / 1000);
  $("wait-limit").defaultValue = String(DEFAULTS.waitTimeoutMs / 1000);
  setUpKey();
  const info = await serverInfo;
  const note = $("connection-note");
  server = info?.api ?? null;
  if (info?.api === "sandbox") {
    serverBaseUrl = info.baseUrl;
    $("base-url").value = info.baseUrl;
    if (!$("api-key").value) $("api-key").value = "aio_sandbox_demo";
    note.textContent = "Connected to the offline sandbox of the API: any key like aio_test1234 works, and tasks take a few seconds.";
  } else if (info?.api === "proxy") {
    serverBaseUrl = info.baseUrl;
    $("base-url").value = info.baseUrl;
    note.textContent = "Connected to the real API through this server's proxy: the server adds the key, so leave the key empty.";
  } else {
    note.textContent = "Enter the API's base URL and your key. If the API refuses this page (CORS), run the proxy: KLING_API_KEY=aio_... npm start.";
  }
}

export function connection() {
  const options = {};
  const key = $("api-key").value;
  const base = $("base-url").value.trim();
  if (key) options.apiKey = key;
  if (base) options.baseUrl = base;
  return options;
}

/** Where Send goes, said plainly: an empty base URL is the real API, which charges. */
export function showDestination(options, optionErrors) {
  const note = $("base-note");
  const where = $("destination");
  note.replaceChildren();
  note.className = "hint";
  if (optionErrors.some((e) => e.path === "baseUrl")) {
    where.textContent = "";
    return;
  }
  if (!options.baseUrl) {
    const line = document.createElement("span");
    line.className = "warning";
    line.textContent = `Empty: requests go to the real API at ${DEFAULTS.baseUrl}, and tasks there are charged.`;
    note.append(line);
    where.textContent = `Sends to the real API at ${DEFAULTS.baseUrl} (charged).`;
    return;
  }
  const target = new URL(options.baseUrl, location.href);
  const here = target.origin === location.origin && options.baseUrl === serverBaseUrl;
  where.textContent = here && server === "sandbox"
    ? "Sends to the offline sandbox on this server: nothing is charged."
    : here && server === "proxy"
      ? "Sends to the real API through this server's proxy (charged)."
      : `Sends to ${target.origin}${target.pathname} (a real API charges).`;
}

/** The wait limit in ms, or the words of what is wrong with the field. */
export function readWaitLimit() {
  const text = $("wait-limit").value.trim();
  const max = DEFAULTS.maxWaitTimeoutMs / 1000;
  const seconds = Number(text);
  if (text === "" || !Number.isInteger(seconds) || seconds < 1 || seconds > max) {
    return { problem: `Stop waiting after must be whole seconds from 1 to ${max}${text === "" ? ", got nothing" : `, got ${text}`}` };
  }
  return { ms: seconds * 1000 };
}


/** How long a panel waits for a task: the field's limit, or the package's default while it holds none. */
export const waitMs = () => readWaitLimit().ms ?? DEFAULTS.waitTimeoutMs;
