// The request form: reading it into a request with the API's field names, filling it from a
// preset or from a request the package accepted, and the shot and element lists. Every bound
// and default on it is the package's (requestLimits, normalizeRequest).
import { normalizeRequest, requestLimits } from "/pkg/web.js";
import { $ } from "./dom.js";
import { touch, touchAll } from "./issues.js";

export const form = $("form");
export const LIMITS = requestLimits();
/** The limits as the page writes them (bytes as megabytes). */
const SHOWN_LIMITS = { ...LIMITS, maxImageMegabytes: LIMITS.maxImageBytes / (1024 * 1024) };
// The values the package fills in for a request that leaves them out (a prompt makes it valid).
const REQUEST_DEFAULTS = normalizeRequest({ prompt: "-" });

/** What the form calls after each change, and whether the sandbox serves the page (see setUpForm). */
let update = () => {};
let onSandbox = () => false;
/** Whether the person has changed the form since `forgetEdits()`. */
let edited = false;

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

/** Two shots that share the default length between them. */
const defaultShots = () => [
  { prompt: "", duration: Math.ceil(LIMITS.defaultSeconds / 2) },
  { prompt: "", duration: Math.floor(LIMITS.defaultSeconds / 2) },
];
/** Shots and elements live here; the DOM lists are drawn from these arrays. */
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

function applyPreset(name) {
  const p = PRESETS[name];
  $("prompt").value = p.prompt;
  form.querySelector(`input[name="mode"][value="${p.mode ?? REQUEST_DEFAULTS.mode}"]`).checked = true;
  $("duration").value = String(p.duration ?? LIMITS.defaultSeconds);
  form.querySelector(`input[name="aspect_ratio"][value="${p.aspect_ratio ?? REQUEST_DEFAULTS.aspect_ratio}"]`).checked = true;
  $("sound").checked = p.sound ?? REQUEST_DEFAULTS.sound;
  // On the sandbox, the product photo is one it serves, so the preview shows a real image.
  const image = onSandbox() && p.sandboxImage ? new URL(p.sandboxImage, location.href).href : p.image;
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
export function fillForm(request) {
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
  touchAll(form);
  update();
}

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
}

/** Whether the package reports an error of this code at this path. */
function reports(report, path, code) {
  return report.errors.some((e) => e.path === path && e.code === code);
}

/**
 * Draws what follows from the form's values and the package's `report` on them: the prompt's
 * count, the notes on `ignored` fields (greyed with the package's reason), the shots' total and
 * bar, and the image's preview.
 */
export function drawForm(report, ignored) {
  const chars = [...$("prompt").value].length;
  $("prompt-count").textContent = `${chars} / ${LIMITS.maxPromptChars} characters`;
  $("prompt-count").classList.toggle("over", reports(report, "prompt", "too_long"));
  for (const note of document.querySelectorAll("[data-note]")) {
    note.textContent = ignored.find((w) => w.path === note.dataset.note)?.message ?? "";
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
  if (!/^https?:\/\//i.test(image)) {
    preview.hidden = true;
    preview.removeAttribute("src");
    $("image-note").textContent = "";
  } else if (preview.getAttribute("src") !== image) {
    preview.hidden = true;
    $("image-note").textContent = "Loading the preview…";
    preview.src = image;
  }
}

/** Whether the person has changed the form since `forgetEdits()` (at load, or a link's request). */
export const editedByPerson = () => edited;
export function forgetEdits() {
  edited = false;
}

/**
 * Wires the form: `onChange()` after every change, `sandbox()` says whether the page's server is
 * the sandbox (its presets then use the sandbox's own image). Draws the form with the package's
 * bounds and defaults.
 */
export function setUpForm({ onChange, sandbox }) {
  update = onChange;
  onSandbox = sandbox;
  /** A person's edit: their part of the form shows its messages, and no preset is chosen any more. */
  const changed = (event) => {
    if (event.target.closest("[data-preset], #import")) return;
    edited = true;
    touch(form, event.target);
    for (const button of document.querySelectorAll("[data-preset]")) button.setAttribute("aria-pressed", "false");
    update();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
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
  showBounds();
  drawShots();
  drawElements();
}
