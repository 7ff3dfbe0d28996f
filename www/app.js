// The tester page: reads the form into a request, and shows what the package says of it.
// Every rule and price comes from kling3-wasm; this file only moves values in and out of the
// page, always as text (textContent), never as HTML.
import { validateRequest, normalizeRequest, estimateCost, buildRequest, toCurl, requestLimits, clientDefaults, ValidationError } from "/pkg/web.js";
import { drawChart } from "./chart.js";
import { setUpRunner } from "./run.js";

const $ = (id) => document.getElementById(id);
const form = $("form");
const LIMITS = requestLimits();
/** The limits as the page writes them (bytes as megabytes). */
const SHOWN_LIMITS = { ...LIMITS, maxImageMegabytes: LIMITS.maxImageBytes / (1024 * 1024) };
const DEFAULTS = clientDefaults();
// The values the package fills in for a request that leaves them out (a prompt makes it valid).
const REQUEST_DEFAULTS = normalizeRequest({ prompt: "-" });

const PRESETS = {
  marketing: {
    prompt: "A sleek reusable water bottle on a sunlit beach, waves rolling in, slow camera orbit, upbeat summer mood, bold social media style",
    mode: "std", duration: 5, aspect_ratio: "9:16", sound: true,
  },
  product: {
    prompt: "The product slowly rotates as soft studio light sweeps across it, subtle reflections, premium advertising look",
    mode: "pro", duration: 5, aspect_ratio: "1:1", sound: false, image: "https://images.example.com/product.jpg",
    sandboxImage: "/sandbox/image.jpg",
  },
  cinematic: {
    prompt: "A lone rider crosses a misty mountain pass at dawn, sweeping aerial shot, anamorphic lens flare, film grain, epic orchestral score",
    mode: "pro", duration: 10, aspect_ratio: "16:9", sound: true,
  },
};

/** Shots and elements live here; the DOM lists are drawn from these arrays. */
const state = {
  // Two shots that share the default length between them.
  shots: [
    { prompt: "", duration: Math.ceil(LIMITS.defaultSeconds / 2) },
    { prompt: "", duration: Math.floor(LIMITS.defaultSeconds / 2) },
  ],
  elements: [],
};

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
    request.multi_prompt = state.shots.map((s) => ({ prompt: s.prompt, duration: Number(s.duration) }));
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

// ---- drawing the shots and elements ------------------------------------------------------

function drawShots() {
  const list = $("shot-list");
  list.replaceChildren();
  state.shots.forEach((shot, i) => {
    const row = $("shot-template").content.firstElementChild.cloneNode(true);
    row.dataset.path = `multi_prompt[${i}]`;
    row.querySelector(".row-title").textContent = `Shot ${i + 1}`;
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
    row.querySelector('[data-act="remove"]').addEventListener("click", () => {
      state.shots.splice(i, 1);
      drawShots();
      update();
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
  $("shot-list").children[j]?.querySelector(`[data-act="${by < 0 ? "up" : "down"}"]`)?.focus();
}

/** `over` is the package's verdict on the shots' total. */
function drawShotBar(over) {
  const bar = $("shot-bar");
  bar.replaceChildren();
  const lengths = state.shots.map((s) => Math.max(0, Number(s.duration) || 0));
  const total = lengths.reduce((a, b) => a + b, 0);
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
    row.querySelector('[data-act="remove"]').addEventListener("click", () => {
      state.elements.splice(i, 1);
      drawElements();
      update();
    });
    list.append(row);
  });
  $("add-element").disabled = state.elements.length >= LIMITS.maxElements;
}

// ---- what the package says ---------------------------------------------------------------

/** The message slot for an issue's path: a field's own, a shot's or an element's, or none. */
function slotFor(path) {
  const direct = form.querySelector(`[data-msg="${CSS.escape(path)}"]`);
  if (direct) return direct;
  const row = path.match(/^(multi_prompt|kling_elements)\[(\d+)\](?:\.([a-z_]+))?/);
  if (row) {
    const item = form.querySelector(`[data-path="${row[1]}[${row[2]}]"]`);
    const slot = item?.querySelector(`[data-sub="${row[3] ?? ""}"]`);
    if (slot) return slot;
  }
  return null;
}

function showIssues(errors, warnings) {
  for (const el of form.querySelectorAll(".msg")) el.replaceChildren();
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const others = $("other-problems");
  others.replaceChildren();
  const place = (issue, kind) => {
    const line = document.createElement("span");
    line.className = kind;
    line.dataset.code = issue.code;
    line.textContent = issue.message;
    const slot = slotFor(issue.path);
    if (slot) {
      slot.append(line);
      if (kind === "error") slot.closest(".field, .row")?.querySelector("input, textarea")?.setAttribute("aria-invalid", "true");
    } else {
      const item = document.createElement("li");
      item.append(line);
      others.append(item);
    }
  };
  errors.forEach((e) => place(e, "error"));
  warnings.forEach((w) => place(w, "warning"));
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
      ? `No price yet: ${error.errors[0]?.message ?? error.message}`
      : `No price: ${error.message}`;
  }
  drawChart($("price-chart"), estimateCost, LIMITS, cost);
  return cost;
}

function showPreview(request) {
  try {
    // The preview's URL is absolute, so the curl command works from a terminal too.
    const options = connection();
    if (options.baseUrl?.startsWith("/")) options.baseUrl = new URL(options.baseUrl, location.href).href;
    const built = buildRequest(request, options);
    $("body-preview").textContent = JSON.stringify(JSON.parse(built.body), null, 2);
    $("curl-preview").textContent = toCurl(built);
  } catch (error) {
    const n = error instanceof ValidationError ? error.errors.length : 1;
    const text = `Fix ${n === 1 ? "the problem" : `the ${n} problems`} above to see the request.`;
    $("body-preview").textContent = text;
    $("curl-preview").textContent = text;
  }
}

let busy = false;
let ready = false;

/** Whether the package reports an error of this code at this path. */
function reports(report, path, code) {
  return report.errors.some((e) => e.path === path && e.code === code);
}

function update() {
  const request = readForm();
  const report = validateRequest(request);
  const chars = [...$("prompt").value].length;
  $("prompt-count").textContent = `${chars} / ${LIMITS.maxPromptChars} characters`;
  $("prompt-count").classList.toggle("over", reports(report, "prompt", "too_long"));
  $("duration-out").textContent = $("duration").value;
  const multi = $("multi_shots").checked;
  $("shots").hidden = !multi;
  $("duration").disabled = multi;
  if (multi) drawShotBar(reports(report, "multi_prompt", "out_of_range"));
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
  showIssues([...report.errors, ...optionErrors], report.warnings);
  const n = report.errors.length + optionErrors.length;
  $("summary").textContent = n === 0
    ? `Ready to send${report.warnings.length ? `, with ${report.warnings.length} warning${report.warnings.length > 1 ? "s" : ""}` : ""}.`
    : `${n} problem${n > 1 ? "s" : ""} to fix before sending.`;
  $("summary").className = n === 0 ? "ok" : "bad";
  showPrice(request);
  showPreview(request);
  ready = n === 0;
  $("send").disabled = !ready || busy;
}

function applyPreset(name) {
  const p = PRESETS[name];
  $("prompt").value = p.prompt;
  form.querySelector(`input[name="mode"][value="${p.mode}"]`).checked = true;
  $("duration").value = String(p.duration);
  form.querySelector(`input[name="aspect_ratio"][value="${p.aspect_ratio}"]`).checked = true;
  $("sound").checked = p.sound;
  // On the sandbox, the product photo is one it serves, so the preview shows a real image.
  const image = connectedTo === "sandbox" && p.sandboxImage ? new URL(p.sandboxImage, location.href).href : p.image;
  $("image").value = image ?? "";
  $("multi_shots").checked = false;
  update();
}

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
form.addEventListener("input", update);
form.addEventListener("change", update);
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
    } catch {
      button.textContent = "Select and copy";
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

/** Picks the defaults from what serves this page: the sandbox, the proxy, or a static host. */
async function setUpConnection() {
  let info = null;
  try {
    const response = await fetch("/_server", { headers: { Accept: "application/json" } });
    if (response.ok) info = await response.json();
  } catch {
    info = null;
  }
  const note = $("connection-note");
  connectedTo = info?.api ?? null;
  if (info?.api === "sandbox") {
    $("base-url").value = info.baseUrl;
    if (!$("api-key").value) $("api-key").value = "aio_sandbox_demo";
    note.textContent = "Connected to the offline sandbox of the API: any key like aio_test1234 works, and tasks take a few seconds.";
  } else if (info?.api === "proxy") {
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
    const request = readForm();
    let cost = null;
    try {
      cost = estimateCost(request);
    } catch {
      cost = null;
    }
    return { request, cost };
  },
  getConnection: connection,
  getWaitMs: () => {
    const seconds = Number($("wait-limit").value);
    if (!Number.isFinite(seconds) || seconds < 1) return DEFAULTS.waitTimeoutMs;
    return Math.min(Math.round(seconds * 1000), DEFAULTS.maxWaitTimeoutMs);
  },
  onBusy: (value) => {
    busy = value;
    $("send").disabled = !ready || busy;
    $("cancel").hidden = !busy;
    if (busy) $("cancel").focus();
    else if (!$("send").disabled) $("send").focus();
  },
});
$("send").addEventListener("click", () => runner.send());

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
  update();
  $("load-status").textContent = "Ready: the package is loaded, and checks run in your browser.";
  document.body.dataset.ready = "true";
});
