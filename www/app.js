// The tester page: reads the form into a request, and shows what the package says of it.
// Every rule and price comes from kling3-wasm; this file only moves values in and out of the
// page, always as text (textContent), never as HTML.
import { validateRequest, normalizeRequest, estimateCost, buildRequest, toSnippet, requestLimits, clientDefaults, ValidationError } from "/pkg/web.js";
import { drawChart } from "./chart.js";
import { setUpRunner } from "./run.js";
import { checkIncoming, linkFragment, readFragment, readPaste, MAX_FRAGMENT_CHARS } from "./share.js";

// What serves this page, asked at once (the page preloads it) so the answer is there when the
// first checks are done.
const serverInfo = fetch("/_server", { headers: { Accept: "application/json" } })
  .then((response) => (response.ok ? response.json() : null))
  .catch(() => null);

const $ = (id) => document.getElementById(id);
const form = $("form");
const LIMITS = requestLimits();
/** The limits as the page writes them (bytes as megabytes). */
const SHOWN_LIMITS = { ...LIMITS, maxImageMegabytes: LIMITS.maxImageBytes / (1024 * 1024) };
const DEFAULTS = clientDefaults();
// The values the package fills in for a request that leaves them out (a prompt makes it valid).
const REQUEST_DEFAULTS = normalizeRequest({ prompt: "-" });

/** Each preset sets the whole form: what it leaves out is reset to the package's default. */
const PRESETS = {
  marketing: {
    prompt: "A sleek reusable water bottle on a sunlit beach, waves rolling in, slow camera orbit, upbeat summer mood, bold social media style",
    mode: "std", duration: 5, aspect_ratio: "9:16", sound: true,
  },
  product: {
    prompt: "The product slowly rotates as soft studio light sweeps across it, subtle reflections, premium advertising look",
    mode: "pro", duration: 5, sound: false, image: "https://images.example.com/product.jpg",
    sandboxImage: "/sandbox/image.jpg",
  },
  cinematic: {
    prompt: "A lone rider crosses a misty mountain pass at dawn, sweeping aerial shot, anamorphic lens flare, film grain, epic orchestral score",
    mode: "pro", duration: 10, aspect_ratio: "16:9", sound: true,
  },
};

/** Shots and elements live here; the DOM lists are drawn from these arrays. */
/** Two shots that share the default length between them. */
const defaultShots = () => [
  { prompt: "", duration: Math.ceil(LIMITS.defaultSeconds / 2) },
  { prompt: "", duration: Math.floor(LIMITS.defaultSeconds / 2) },
];
const state = { shots: defaultShots(), elements: [] };

function radio(name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value;
}

/** The request the form describes, with the API's field names. */
export function readForm() {
  const request = {};
  const prompt = $("prompt").value;
  if (prompt.trim() !== "") request.prompt = prompt;
  request.mode = radio("mode");
  request.duration = Number($("duration").value);
  request.aspect_ratio = radio("aspect_ratio");
  request.sound = $("sound").checked;
  const image = $("image").value.trim();
  if (image) request.image = image;
  const callback = $("callback_url").value.trim();
  if (callback) request.callback_url = callback;
  if ($("multi_shots").checked) {
    request.multi_shots = true;
    request.multi_prompt = state.shots.map((s) => {
      const shot = { prompt: s.prompt };
      // An empty length is left out (the package says it is required), not sent as 0.
      if (String(s.duration).trim() !== "") shot.duration = Number(s.duration);
      return shot;
    });
    // In multi-shot mode the video is as long as its shots.
    delete request.duration;
  }
  if (state.elements.length > 0) {
    request.kling_elements = state.elements.map((e) => {
      const element = { name: e.name };
      if (e.description.trim()) element.description = e.description;
      element.element_input_urls = e.urls.split("\n").map((u) => u.trim()).filter(Boolean);
      return element;
    });
  }
  return request;
}

// ---- words for the package's messages ----------------------------------------------------

/** A field's name as the form labels it, for the path that begins a message. */
const FIELD_NAMES = {
  prompt: "Prompt", mode: "Mode", duration: "Duration", aspect_ratio: "Aspect ratio", sound: "Sound",
  image: "Image URL", callback_url: "Callback URL", multi_shots: "Multi-shot", multi_prompt: "The shots",
  kling_elements: "Elements", baseUrl: "Base URL", apiKey: "API key",
};
const PART_NAMES = { prompt: "prompt", duration: "length", name: "name", description: "description", element_input_urls: "image URLs", element_input_video_urls: "video URLs" };
const ITEM_NAMES = { element_input_urls: "image URL", element_input_video_urls: "video URL" };

/**
 * A message of the package with the API's paths in the form's words:
 * "multi_prompt[1].duration must be…" reads "Shot 2 length must be…".
 */
export function humanize(message) {
  let text = String(message).replace(/\b(multi_prompt|kling_elements)\[(\d+)\](?:\.([a-z_]+)(?:\[(\d+)\])?)?/g, (_, list, i, part, j) => {
    let label = `${list === "multi_prompt" ? "Shot" : "Element"} ${Number(i) + 1}`;
    if (part) label += j === undefined ? ` ${PART_NAMES[part] ?? part}` : ` ${ITEM_NAMES[part] ?? part} ${Number(j) + 1}`;
    return label;
  });
  text = text.replace(/^([A-Za-z_]+)\b/, (word) => FIELD_NAMES[word] ?? word);
  text = text.replace(/\bmulti_shots is true\b/g, "multi-shot is on")
    .replace(/\belement_input_video_urls\b/g, "video URLs")
    .replace(/\belement_input_urls\b/g, "image URLs");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- drawing the shots and elements ------------------------------------------------------

/** After a row is removed, focus stays where the person was: the next row, or the Add button. */
function focusAfterRemove(list, i, fallback) {
  const row = list.children[i] ?? list.children[i - 1];
  (row?.querySelector('[data-act="remove"]') ?? fallback).focus();
}

function drawShots() {
  const list = $("shot-list");
  list.replaceChildren();
  state.shots.forEach((shot, i) => {
    const row = $("shot-template").content.firstElementChild.cloneNode(true);
    row.dataset.path = `multi_prompt[${i}]`;
    row.querySelector(".row-title").textContent = `Shot ${i + 1}`;
    row.querySelector('[data-label="prompt"]').textContent = `Shot ${i + 1} prompt`;
    row.querySelector('[data-label="duration"]').textContent = `Shot ${i + 1} length (seconds)`;
    const prompt = row.querySelector('[data-key="prompt"]');
    const seconds = row.querySelector('[data-key="duration"]');
    prompt.value = shot.prompt;
    seconds.value = String(shot.duration);
    prompt.addEventListener("input", () => { shot.prompt = prompt.value; update(); });
    seconds.addEventListener("input", () => { shot.duration = seconds.value; update(); });
    row.querySelector('[data-act="up"]').disabled = i === 0;
    row.querySelector('[data-act="down"]').disabled = i === state.shots.length - 1;
    row.querySelector('[data-act="up"]').addEventListener("click", () => moveShot(i, -1));
    row.querySelector('[data-act="down"]').addEventListener("click", () => moveShot(i, 1));
    const names = { up: `Move shot ${i + 1} up`, down: `Move shot ${i + 1} down`, remove: `Remove shot ${i + 1}` };
    for (const [act, name] of Object.entries(names)) row.querySelector(`[data-act="${act}"]`).setAttribute("aria-label", name);
    row.querySelector('[data-act="remove"]').addEventListener("click", () => {
      state.shots.splice(i, 1);
      drawShots();
      update();
      focusAfterRemove(list, i, $("add-shot"));
    });
    list.append(row);
  });
  $("add-shot").disabled = state.shots.length >= LIMITS.maxShots;
}

function moveShot(i, by) {
  const j = i + by;
  [state.shots[i], state.shots[j]] = [state.shots[j], state.shots[i]];
  drawShots();
  update();
  const row = $("shot-list").children[j];
  const same = row?.querySelector(`[data-act="${by < 0 ? "up" : "down"}"]`);
  (same && !same.disabled ? same : row?.querySelector(`[data-act="${by < 0 ? "down" : "up"}"]`))?.focus();
}

/** `over` is the package's verdict on the shots' total. */
function drawShotBar(over, total) {
  const bar = $("shot-bar");
  bar.replaceChildren();
  const lengths = state.shots.map((s) => Math.max(0, Number(s.duration) || 0));
  const scale = Math.max(LIMITS.maxSeconds, total);
  lengths.forEach((len, i) => {
    const part = document.createElement("span");
    part.style.width = `${(len / scale) * 100}%`;
    part.textContent = String(i + 1);
    part.className = over ? "over" : "";
    bar.append(part);
  });
  $("shot-total").textContent = `The shots add up to ${total} s of ${LIMITS.minSeconds} to ${LIMITS.maxSeconds} s.`;
}

function drawElements() {
  const list = $("element-list");
  list.replaceChildren();
  state.elements.forEach((element, i) => {
    const row = $("element-template").content.firstElementChild.cloneNode(true);
    row.dataset.path = `kling_elements[${i}]`;
    row.querySelector(".row-title").textContent = `Element ${i + 1}`;
    for (const [key, prop] of [["name", "name"], ["description", "description"], ["element_input_urls", "urls"]]) {
      const input = row.querySelector(`[data-key="${key}"]`);
      input.value = element[prop];
      input.addEventListener("input", () => { element[prop] = input.value; update(); });
    }
    const remove = row.querySelector('[data-act="remove"]');
    remove.setAttribute("aria-label", `Remove element ${i + 1}`);
    remove.addEventListener("click", () => {
      state.elements.splice(i, 1);
      drawElements();
      update();
      focusAfterRemove(list, i, $("add-element"));
    });
    list.append(row);
  });
  $("add-element").disabled = state.elements.length >= LIMITS.maxElements;
}

// ---- what the package says ---------------------------------------------------------------

/** The message slot for an issue's path: a field's own, a shot's or an element's, or none. */
function slotFor(path) {
  const direct = document.querySelector(`[data-msg="${CSS.escape(path)}"]`);
  if (direct) return direct;
  const row = path.match(/^(multi_prompt|kling_elements)\[(\d+)\](?:\.([a-z_]+))?/);
  if (row) {
    const item = form.querySelector(`[data-path="${row[1]}[${row[2]}]"]`);
    const slot = item?.querySelector(`[data-sub="${row[3] ?? ""}"]`);
    if (slot) return slot;
  }
  return null;
}

/** Parts of the form a person has changed: their messages show; the rest wait for Send. (Not on
 *  blur: a message appearing under a field being left moves the button being clicked.) */
const touched = new WeakSet();
let revealAll = false;

function touch(target) {
  for (let node = target; node && node !== form; node = node.parentElement) {
    if (node.matches(".row, .field, .section")) touched.add(node);
  }
}

function seen(slot) {
  if (revealAll) return true;
  const place = slot.closest(".row, .field, .section");
  return !place || touched.has(place);
}

/** Shows each issue by its field; returns how many errors are on view. */
function showIssues(errors, warnings) {
  for (const el of document.querySelectorAll(".msg[data-msg], .msg[data-sub]")) el.replaceChildren();
  for (const el of document.querySelectorAll("#form [aria-invalid]")) el.removeAttribute("aria-invalid");
  const others = $("other-problems");
  others.replaceChildren();
  let shown = 0;
  const place = (issue, kind) => {
    const slot = slotFor(issue.path);
    if (slot && !seen(slot)) return;
    const line = document.createElement("span");
    line.className = kind;
    line.dataset.code = issue.code;
    line.textContent = humanize(issue.message);
    if (kind === "error") shown++;
    if (slot) {
      slot.append(line);
      if (kind === "error") {
        const sub = slot.dataset.sub;
        const host = slot.closest(".field, .row");
        const input = sub ? host?.querySelector(`[data-key="${sub}"]`) : host?.querySelector("input:not([type=checkbox]):not([type=radio]), textarea");
        input?.setAttribute("aria-invalid", "true");
      }
    } else {
      const item = document.createElement("li");
      item.append(line);
      others.append(item);
    }
  };
  errors.forEach((e) => place(e, "error"));
  warnings.forEach((w) => place(w, "warning"));
  return shown;
}

let announcing;
/**
 * Says `text` to screen readers through the page's one status region: at once, or `after` ms
 * with nothing newer (the form's state, once typing pauses, rather than at every key).
 */
function announce(text, after = 0) {
  clearTimeout(announcing);
  announcing = setTimeout(() => { $("announce").textContent = text; }, after);
}

/** Shows the price and its chart; returns the cost, or null when a price field is invalid. */
function showPrice(request) {
  let cost = null;
  try {
    cost = estimateCost(request);
    $("credits").textContent = String(cost.credits);
    $("price-breakdown").textContent =
      `${cost.creditsPerSecond} credits/s × ${cost.seconds} s · ${cost.mode === "pro" ? "Pro" : "Standard"}, ${cost.sound ? "with" : "without"} sound`;
  } catch (error) {
    $("credits").textContent = "—";
    $("price-breakdown").textContent = error instanceof ValidationError
      ? `No price yet: ${humanize(error.errors[0]?.message ?? error.message)}`
      : `No price: ${error.message}`;
  }
  drawChart($("price-chart"), estimateCost, LIMITS, cost);
  return cost;
}

/** The language "Copy as code" writes, and the copy button's name for it. */
const LANGUAGES = { curl: "the curl command", js: "the JavaScript (kling3-wasm) code", fetch: "the fetch code", python: "the Python code" };
const language = () => document.querySelector('input[name="language"]:checked')?.value ?? "curl";
for (const choice of document.querySelectorAll('input[name="language"]')) {
  choice.addEventListener("change", () => {
    $("copy-code").setAttribute("aria-label", `Copy ${LANGUAGES[language()]}`);
    showPreview(currentRequest().request);
  });
}

function showPreview(request) {
  try {
    // The preview's URL is absolute, so the curl command works from a terminal too.
    const options = connection();
    if (options.baseUrl?.startsWith("/")) options.baseUrl = new URL(options.baseUrl, location.href).href;
    const built = buildRequest(request, options);
    $("body-preview").textContent = JSON.stringify(JSON.parse(built.body), null, 2);
    // The package writes the code; redactKey keeps the typed key out of it in every language.
    $("code-preview").textContent = toSnippet(built, { language: language(), redactKey: true });
  } catch (error) {
    const n = error instanceof ValidationError ? error.errors.length : 1;
    const text = `Fix ${n === 1 ? "the problem" : `the ${n} problems`} in the form to see the request.`;
    $("body-preview").textContent = text;
    $("code-preview").textContent = text;
  }
}

/** Where Send goes, said plainly: an empty base URL is the real API, which charges. */
function showDestination(options, optionErrors) {
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
  where.textContent = here && connectedTo === "sandbox"
    ? "Sends to the offline sandbox on this server: nothing is charged."
    : here && connectedTo === "proxy"
      ? "Sends to the real API through this server's proxy (charged)."
      : `Sends to ${target.origin}${target.pathname} (a real API charges).`;
}

/** The wait limit in ms, or the words of what is wrong with the field. */
function readWaitLimit() {
  const text = $("wait-limit").value.trim();
  const max = DEFAULTS.maxWaitTimeoutMs / 1000;
  const seconds = Number(text);
  if (text === "" || !Number.isInteger(seconds) || seconds < 1 || seconds > max) {
    return { problem: `Stop waiting after must be whole seconds from 1 to ${max}${text === "" ? ", got nothing" : `, got ${text}`}` };
  }
  return { ms: seconds * 1000 };
}

/**
 * The request the page sends: the form's, less the fields the package says the API ignores
 * (an aspect ratio beside an image, a prompt in multi-shot mode), and the package's verdict.
 * Those fields are greyed with the package's reason instead of warned about: the form set
 * them, not the person. (buildRequest still writes the default aspect ratio into the body.)
 */
function currentRequest() {
  const request = readForm();
  let report = validateRequest(request);
  const ignored = report.warnings.filter((w) => w.code === "ignored" && Object.hasOwn(request, w.path) && document.querySelector(`[data-note="${CSS.escape(w.path)}"]`));
  if (ignored.length > 0) {
    for (const w of ignored) delete request[w.path];
    report = validateRequest(request);
  }
  return { request, report, ignored };
}

let busy = false;
let ready = false;

/** Whether the package reports an error of this code at this path. */
function reports(report, path, code) {
  return report.errors.some((e) => e.path === path && e.code === code);
}

function update() {
  const { request, report, ignored } = currentRequest();
  const chars = [...$("prompt").value].length;
  $("prompt-count").textContent = `${chars} / ${LIMITS.maxPromptChars} characters`;
  $("prompt-count").classList.toggle("over", reports(report, "prompt", "too_long"));
  for (const note of document.querySelectorAll("[data-note]")) {
    const why = ignored.find((w) => w.path === note.dataset.note);
    note.textContent = why ? `${humanize(why.message)}.` : "";
  }
  $("aspect-field").disabled = ignored.some((w) => w.path === "aspect_ratio");
  const multi = $("multi_shots").checked;
  $("shots").hidden = !multi;
  $("duration").disabled = multi;
  const total = state.shots.reduce((sum, s) => sum + Math.max(0, Number(s.duration) || 0), 0);
  $("duration-out").textContent = multi ? String(total) : $("duration").value;
  $("duration-note").textContent = multi ? "(the shots' total)" : "";
  if (multi) drawShotBar(reports(report, "multi_prompt", "out_of_range"), total);
  const image = $("image").value.trim();
  const preview = $("image-preview");
  const showImage = /^https?:\/\//i.test(image);
  if (!showImage) {
    preview.hidden = true;
    preview.removeAttribute("src");
    $("image-note").textContent = "";
  } else if (preview.getAttribute("src") !== image) {
    preview.hidden = true;
    $("image-note").textContent = "Loading the preview…";
    preview.src = image;
  }

  const options = connection();
  let optionErrors = [];
  try {
    buildRequest({ prompt: "x" }, options);
  } catch (error) {
    if (error instanceof ValidationError) optionErrors = error.errors;
  }
  const wait = readWaitLimit();
  const pageErrors = wait.problem ? [{ path: "waitLimit", code: "out_of_range", message: wait.problem }] : [];
  const errors = [...report.errors, ...optionErrors, ...pageErrors];
  const shown = showIssues(errors, report.warnings);
  showDestination(options, optionErrors);
  const n = errors.length;
  const warned = report.warnings.length;
  $("summary").textContent = n === 0
    ? `Ready to send${warned ? `, with ${warned} warning${warned > 1 ? "s" : ""}` : ""}.`
    : shown > 0 || revealAll
      ? `${n} problem${n > 1 ? "s" : ""} to fix before sending.`
      : `${n === 1 ? "One thing" : `${n} things`} to fill in before sending.`;
  $("summary").className = n === 0 ? "ok" : shown > 0 || revealAll ? "bad" : "muted";
  const priced = showPrice(request);
  announce(`${$("summary").textContent}${priced ? ` ${priced.credits} credits.` : ""}`, 1200);
  showPreview(request);
  ready = n === 0;
  const guarded = runner?.guarded(request) ?? false;
  $("resend-box").hidden = !guarded;
  $("resend-key").hidden = !(guarded && runner?.repeatsKey(request));
  if (!guarded) $("resend-ok").checked = false;
  $("send").disabled = busy || (guarded && !$("resend-ok").checked);
  return { request, errors };
}

function applyPreset(name) {
  const p = PRESETS[name];
  $("prompt").value = p.prompt;
  form.querySelector(`input[name="mode"][value="${p.mode ?? REQUEST_DEFAULTS.mode}"]`).checked = true;
  $("duration").value = String(p.duration ?? LIMITS.defaultSeconds);
  form.querySelector(`input[name="aspect_ratio"][value="${p.aspect_ratio ?? REQUEST_DEFAULTS.aspect_ratio}"]`).checked = true;
  $("sound").checked = p.sound ?? REQUEST_DEFAULTS.sound;
  // On the sandbox, the product photo is one it serves, so the preview shows a real image.
  const image = connectedTo === "sandbox" && p.sandboxImage ? new URL(p.sandboxImage, location.href).href : p.image;
  $("image").value = image ?? "";
  $("callback_url").value = "";
  $("multi_shots").checked = false;
  state.shots = defaultShots();
  state.elements = [];
  drawShots();
  drawElements();
  for (const button of document.querySelectorAll("[data-preset]")) button.setAttribute("aria-pressed", String(button.dataset.preset === name));
  update();
}

/**
 * Sets the whole form from a request the package accepted (a shared link's or a pasted body):
 * what it leaves out is the package's default, and its messages show as if it had been typed.
 */
function fillForm(request) {
  const r = normalizeRequest(request);
  $("prompt").value = r.prompt ?? "";
  form.querySelector(`input[name="mode"][value="${CSS.escape(r.mode)}"]`).checked = true;
  // In multi-shot mode the package gives the shots' total; the (disabled) slider keeps its own.
  $("duration").value = String(typeof request.duration === "number" ? request.duration : LIMITS.defaultSeconds);
  form.querySelector(`input[name="aspect_ratio"][value="${CSS.escape(r.aspect_ratio)}"]`).checked = true;
  $("sound").checked = r.sound;
  $("image").value = r.image ?? "";
  $("callback_url").value = r.callback_url ?? "";
  $("multi_shots").checked = r.multi_shots === true;
  state.shots = r.multi_prompt ? r.multi_prompt.map((s) => ({ prompt: s.prompt, duration: s.duration })) : defaultShots();
  state.elements = (r.kling_elements ?? []).map((e) => ({
    name: e.name, description: e.description ?? "", urls: (e.element_input_urls ?? []).join("\n"),
  }));
  drawShots();
  drawElements();
  for (const button of document.querySelectorAll("[data-preset]")) button.setAttribute("aria-pressed", "false");
  for (const part of form.querySelectorAll(".section, .field, .row")) touched.add(part);
  update();
}

const MAX_LINES = 10;

/** Writes a lead line and the package's problems (in the form's words) into `box`, as text. */
function writeLines(box, lead, problems = [], kind = "error") {
  const first = document.createElement("span");
  first.className = problems.length > 0 ? "" : kind;
  first.textContent = lead;
  box.replaceChildren(first);
  // A hostile request can hold thousands of problems: the first few say enough.
  const shown = problems.slice(0, MAX_LINES);
  for (const problem of shown) {
    const line = document.createElement("span");
    line.className = kind;
    line.dataset.code = problem.code;
    line.textContent = humanize(problem.message);
    box.append(line);
  }
  if (problems.length > shown.length) {
    const more = document.createElement("span");
    more.className = kind;
    more.textContent = `…and ${problems.length - shown.length} more.`;
    box.append(more);
  }
}

/** Opens a shared link: a request the package accepts fills the form; anything else leaves it. */
/** Whether the person has changed the form since it was last filled (by a link, or at load). */
let editedByPerson = false;

function loadFromFragment(event) {
  const found = readFragment(location.hash);
  if (found.kind === "none") return;
  // Read once: a reload keeps what the person has done since.
  history.replaceState(null, "", `${location.pathname}${location.search}`);
  const note = $("link-note");

  if (found.kind === "broken") {
    writeLines(note, `${found.message} Nothing was loaded: the form is as it was.`);
    return;
  }
  const { request, problems } = checkIncoming(found.value);
  if (!request) {
    writeLines(note, "This link's request was not loaded, the form is as it was:", problems);
    return;
  }
  // A link opened over a form the person has edited (another page may navigate this one to a
  // link) replaces nothing without asking.
  if (event && editedByPerson && !confirm("Replace the form with the request from the link? What you typed here would be lost.")) {
    writeLines(note, "The link's request was not loaded: the form is as it was.");
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
  editedByPerson = false;
  writeLines(note, lead, urls, "ok");
}

$("share").addEventListener("click", async () => {
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
});

function loadPaste() {
  const box = $("import-msg");
  const read = readPaste($("import-text").value);
  if (read.message) {
    writeLines(box, `${read.message} The form is as it was.`);
    return;
  }
  const { request, problems } = checkIncoming(read.value);
  if (!request) {
    writeLines(box, "Not loaded, the form is as it was:", problems);
    return;
  }
  fillForm(request);
  $("link-note").replaceChildren();
  writeLines(box, "Loaded into the form.", [], "ok");
}
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

$("image-preview").addEventListener("load", () => {
  $("image-preview").hidden = false;
  const { naturalWidth: w, naturalHeight: h } = $("image-preview");
  const min = LIMITS.minImageSidePx;
  $("image-note").textContent = `${w} × ${h} px${Math.min(w, h) < min ? `: the API wants at least ${min} px a side` : ""}`;
});
$("image-preview").addEventListener("error", () => {
  $("image-preview").hidden = true;
  $("image-note").textContent = "This browser could not load the image; the API may not either.";
});
/** A person's edit: their part of the form shows its messages, and no preset is chosen any more. */
const edited = (event) => {
  if (event.target.closest("[data-preset], #import")) return;
  editedByPerson = true;
  touch(event.target);
  for (const button of document.querySelectorAll("[data-preset]")) button.setAttribute("aria-pressed", "false");
  update();
};
form.addEventListener("input", edited);
form.addEventListener("change", edited);
// Ctrl+Enter (⌘+Enter) sends from anywhere in the form.
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $("send").click();
  }
});
$("add-shot").addEventListener("click", () => {
  state.shots.push({ prompt: "", duration: LIMITS.minShotSeconds });
  drawShots();
  update();
  $("shot-list").lastElementChild?.querySelector("textarea")?.focus();
});
$("add-element").addEventListener("click", () => {
  state.elements.push({ name: "", description: "", urls: "" });
  drawElements();
  update();
  $("element-list").lastElementChild?.querySelector("input")?.focus();
});
for (const button of document.querySelectorAll("[data-preset]")) {
  button.addEventListener("click", () => applyPreset(button.dataset.preset));
}
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const text = $(button.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
      // The button's label names what it copies, so a screen reader hears the news here.
      announce(`Copied: ${button.getAttribute("aria-label")?.replace(/^Copy /, "") ?? "the text"}.`);
    } catch {
      // No clipboard here: the text is selected, ready for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents($(button.dataset.copy));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = "Selected: press Ctrl+C";
      announce("Selected: press Ctrl+C to copy.");
    }
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  });
}

// ---- connection and sending ----------------------------------------------------------------

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
let connectedTo = null;
/** The base URL this server gives for its own API. */
let serverBaseUrl = null;

/** Picks the defaults from what serves this page: the sandbox, the proxy, or a static host. */
async function setUpConnection() {
  const info = await serverInfo;
  const note = $("connection-note");
  connectedTo = info?.api ?? null;
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

function connection() {
  const options = {};
  const key = $("api-key").value;
  const base = $("base-url").value.trim();
  if (key) options.apiKey = key;
  if (base) options.baseUrl = base;
  return options;
}

const runner = setUpRunner({
  getRequest: () => {
    const { request } = currentRequest();
    let cost = null;
    try {
      cost = estimateCost(request);
    } catch {
      cost = null;
    }
    return { request, cost };
  },
  getConnection: connection,
  getWaitMs: () => readWaitLimit().ms ?? DEFAULTS.waitTimeoutMs,
  onBusy: (value) => {
    busy = value;
    $("cancel").hidden = !busy;
    update();
    if (busy) $("cancel").focus();
    else if (!$("send").disabled) $("send").focus();
  },
  onGuard: () => update(),
});
$("resend-ok").addEventListener("change", () => update());
$("send").addEventListener("click", () => {
  if (busy) return;
  if (!ready) {
    // Every message shows now, and focus goes to the first field to fix.
    revealAll = true;
    update();
    const first = document.querySelector('#form [aria-invalid="true"]') ?? document.querySelector("#form .msg .error")?.closest(".field, .row, .section")?.querySelector("input, textarea");
    first?.focus();
    return;
  }
  runner.send();
});

/**
 * Writes the package's bounds and defaults into the form, which holds none of its own: the
 * texts marked `data-limit` (in the templates too), the inputs' ranges and starting values.
 */
function showBounds() {
  const roots = [document, ...[...document.querySelectorAll("template")].map((t) => t.content)];
  for (const root of roots) {
    for (const node of root.querySelectorAll("[data-limit]")) node.textContent = String(SHOWN_LIMITS[node.dataset.limit]);
  }
  const duration = $("duration");
  duration.min = String(LIMITS.minSeconds);
  duration.max = String(LIMITS.maxSeconds);
  duration.value = String(LIMITS.defaultSeconds);
  const shotSeconds = $("shot-template").content.querySelector('[data-key="duration"]');
  shotSeconds.min = String(LIMITS.minShotSeconds);
  shotSeconds.max = String(LIMITS.maxSeconds);
  form.querySelector(`input[name="mode"][value="${REQUEST_DEFAULTS.mode}"]`).checked = true;
  form.querySelector(`input[name="aspect_ratio"][value="${REQUEST_DEFAULTS.aspect_ratio}"]`).checked = true;
  $("sound").checked = REQUEST_DEFAULTS.sound;
  // An empty base URL means the package's own: the placeholder says which.
  $("base-url").defaultValue = DEFAULTS.baseUrl;
  $("base-url").placeholder = DEFAULTS.baseUrl;
  $("wait-limit").max = String(DEFAULTS.maxWaitTimeoutMs / 1000);
  $("wait-limit").defaultValue = String(DEFAULTS.waitTimeoutMs / 1000);
}

showBounds();
setUpKey();
drawShots();
drawElements();
update();
setUpConnection().finally(() => {
  loadFromFragment();
  update();
  $("load-status").textContent = "Ready: the package is loaded, and checks run in your browser.";
  // The moment the page is ready for a visitor, for the bench's time to interactive.
  performance.mark("kling3:ready");
  document.body.dataset.ready = "true";
});
