// Requests in and out of the page: a link to the form's request (#request=…&base=…), a shared
// link opened, and a pasted JSON body. The package's validateRequest decides what is valid;
// this file only moves text in and out and says what the form cannot hold. Nothing read here
// is ever written as HTML.
import { validateRequest, buildRequest, clientDefaults } from "/pkg/web.js";
import { $ } from "./dom.js";
import { editedByPerson, fillForm, forgetEdits, readForm } from "./form.js";
import { writeIssues } from "./issues.js";

const DEFAULTS = clientDefaults();

/** The longest fragment read (characters): a full request in any script fits in well under this. */
export const MAX_FRAGMENT_CHARS = 64 * 1024;
/** The longest pasted body read (characters). */
export const MAX_PASTE_CHARS = 256 * 1024;

const kb = (chars) => `${Math.ceil(chars / 1024)} KB`;

function toBase64Url(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Throws on anything that is not base64url of UTF-8 text. */
function fromBase64Url(code) {
  if (!/^[A-Za-z0-9_-]+$/.test(code)) throw new Error("not base64url");
  const binary = atob(code.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((code.length + 3) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/**
 * The base URL as a link may carry it: a path (`/api/v1`) or an http(s) origin and path, with
 * no user, password, query or fragment. Returns the URL to carry, or null.
 */
export function shareableBase(base) {
  if (typeof base !== "string" || base === "" || /[?#\s\\]/.test(base)) return null;
  try {
    buildRequest({ prompt: "-" }, { baseUrl: base });
  } catch {
    return null;
  }
  if (base.startsWith("/")) return base.startsWith("//") ? null : base;
  let url;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname}`;
}

/** The fragment of a link to `request`, with the base URL when it holds no secrets. */
export function linkFragment(request, base) {
  const params = new URLSearchParams({ request: toBase64Url(JSON.stringify(request)) });
  const carried = shareableBase(base);
  if (carried) params.set("base", carried);
  return { fragment: `#${params}`, baseLeftOut: Boolean(base) && !carried };
}

/**
 * What a fragment holds: `{ kind: "none" }` (no fragment, or an anchor of this page),
 * `{ kind: "broken", message }`, or `{ kind: "link", value, base }` with the request still
 * unchecked (see `checkIncoming`).
 */
export function readFragment(hash) {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  if (raw === "") return { kind: "none" };
  if (raw.length > MAX_FRAGMENT_CHARS) {
    return { kind: "broken", message: `This link's request is ${kb(raw.length)}, more than the ${kb(MAX_FRAGMENT_CHARS)} this tester reads.` };
  }
  if (/^[A-Za-z][\w-]*$/.test(raw) && document.getElementById(raw)) return { kind: "none" };
  const params = new URLSearchParams(raw);
  const keys = [...params.keys()];
  const known = keys.every((k) => k === "request" || k === "base") && new Set(keys).size === keys.length;
  if (!params.has("request") || !known) {
    return { kind: "broken", message: "This link's #… part is not a request this tester knows." };
  }
  let value;
  try {
    value = JSON.parse(fromBase64Url(params.get("request")));
  } catch {
    return { kind: "broken", message: "This link's request is damaged (it may have been cut when it was copied)." };
  }
  const base = params.has("base") ? shareableBase(params.get("base")) : null;
  if (params.has("base") && !base) {
    return { kind: "broken", message: "This link's base URL is not a plain http(s) URL or path without a query or credentials." };
  }
  return { kind: "link", value, base };
}

/** A pasted body: `{ value }`, or `{ message }` when it is too long or not JSON. */
export function readPaste(text) {
  if (text.length > MAX_PASTE_CHARS) return { message: `This text is ${kb(text.length)}, more than the ${kb(MAX_PASTE_CHARS)} a body can be here.` };
  if (text.trim() === "") return { message: "Paste a JSON body first, such as the API docs show." };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { message: `This is not JSON: ${error.message}.` };
  }
}

/**
 * Whether a request from outside can fill the form: the package's errors, and the fields the
 * form has no place for (so that nothing is dropped unseen). Returns `{ request, problems }`,
 * where `problems` are `{ path, code, message }` like the package's.
 */
export function checkIncoming(value) {
  const report = validateRequest(value);
  const problems = [...report.errors, ...report.warnings
    .filter((w) => w.code === "unknown_field")
    .map((w) => ({ ...w, message: `${w.path} is not a field this form has; remove it to load the rest` }))];
  const elements = Array.isArray(value?.kling_elements) ? value.kling_elements : [];
  elements.forEach((element, i) => {
    if (element !== null && typeof element === "object" && element.element_input_video_urls !== undefined) {
      const path = `kling_elements[${i}].element_input_video_urls`;
      problems.push({ path, code: "unsupported", message: "this form takes image URLs only; remove the video URLs to load the rest" });
    }
  });
  return problems.length > 0 ? { request: null, problems } : { request: value, problems: [] };
}

// ---- on the page ------------------------------------------------------------------------

/** Opens a shared link: a request the package accepts fills the form; anything else leaves it. */
export function loadFromFragment(event) {
  const found = readFragment(location.hash);
  if (found.kind === "none") return;
  // Read once: a reload keeps what the person has done since.
  history.replaceState(null, "", `${location.pathname}${location.search}`);
  const note = $("link-note");

  if (found.kind === "broken") {
    writeIssues(note, `${found.message} Nothing was loaded: the form is as it was.`);
    return;
  }
  const { request, problems } = checkIncoming(found.value);
  if (!request) {
    writeIssues(note, "This link's request was not loaded, the form is as it was:", problems);
    return;
  }
  // A link opened over a form the person has edited (another page may navigate this one to a
  // link) replaces nothing without asking.
  if (event && editedByPerson() && !confirm("Replace the form with the request from the link? What you typed here would be lost.")) {
    writeIssues(note, "The link's request was not loaded: the form is as it was.");
    return;
  }
  let lead = "The form now holds the request from the link.";
  if (found.base) {
    // A link may move Send to another server only on this origin or the package's default API:
    // the key typed here goes wherever the Base URL points.
    const here = found.base.startsWith("/") || new URL(found.base).origin === location.origin || found.base === DEFAULTS.baseUrl;
    if (here) {
      $("base-url").value = found.base;
      lead += ` Base URL: ${found.base}.`;
    } else {
      lead += ` It names the API at ${found.base}; the Base URL was left as it was: set it yourself only if you trust that server, since the key goes there.`;
    }
  }
  // Where the link would send things: worth a look before Send.
  const urls = [["callback_url", "the finished task is POSTed to"], ["image", "the image is"]]
    .filter(([field]) => typeof request[field] === "string" && request[field] !== "")
    .map(([field, what]) => ({ code: field, message: `${what[0].toUpperCase()}${what.slice(1)} ${request[field]} (${field}): check it is yours.` }));
  fillForm(request);
  forgetEdits();
  writeIssues(note, lead, urls, "ok");
}

/** The Share button: a link to the form's request, copied (or selected for Ctrl+C). */
async function copyLink() {
  const msg = $("share-msg");
  const field = $("share-url");
  const request = readForm();
  const { errors } = validateRequest(request);
  if (errors.length > 0) {
    field.hidden = true;
    msg.textContent = "Fix the problems in the form first: a link carries a request the package accepts.";
    return;
  }
  const { fragment, baseLeftOut } = linkFragment(request, $("base-url").value.trim() || DEFAULTS.baseUrl);
  if (fragment.length > MAX_FRAGMENT_CHARS) {
    field.hidden = true;
    msg.textContent = "This request is too long for a link: copy the JSON body instead.";
    return;
  }
  field.value = `${location.origin}${location.pathname}${fragment}`;
  field.hidden = false;
  const left = baseLeftOut ? " The base URL was left out: it has a query or a password." : "";
  try {
    await navigator.clipboard.writeText(field.value);
    msg.textContent = `Link copied.${left}`;
  } catch {
    field.select();
    msg.textContent = `Link selected: press Ctrl+C.${left}`;
  }
}

/** "Load into the form": a pasted body the package accepts fills the form. */
function loadPaste() {
  const box = $("import-msg");
  const read = readPaste($("import-text").value);
  if (read.message) {
    writeIssues(box, `${read.message} The form is as it was.`);
    return;
  }
  const { request, problems } = checkIncoming(read.value);
  if (!request) {
    writeIssues(box, "Not loaded, the form is as it was:", problems);
    return;
  }
  fillForm(request);
  $("link-note").replaceChildren();
  writeIssues(box, "Loaded into the form.", [], "ok");
}

/** Wires the Share button, the paste box and links opened while the page is open. */
export function setUpSharing() {
  $("share").addEventListener("click", copyLink);
  $("import-load").addEventListener("click", loadPaste);
  $("import-text").addEventListener("keydown", (event) => {
    // Ctrl+Enter here loads the body; it does not send.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopPropagation();
      loadPaste();
    }
  });
  addEventListener("hashchange", loadFromFragment);
}
