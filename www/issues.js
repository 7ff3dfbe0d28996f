// The package's validation issues on the page: each issue's message as the package wrote it,
// placed at its field, or, away from the form, labelled with the field's name in the form.
import { $ } from "./dom.js";

/** The form's name for each top-level field (and the connection's options). */
const FIELD_LABELS = {
  prompt: "Prompt", mode: "Mode", duration: "Duration", aspect_ratio: "Aspect ratio", sound: "Sound",
  image: "Image URL", callback_url: "Callback URL", multi_shots: "Multi-shot", multi_prompt: "Shots",
  kling_elements: "Elements", baseUrl: "Base URL", apiKey: "API key", waitLimit: "Stop waiting after",
};
/** The form's name for a field of a shot or an element, and for one item of a list field. */
const PART_LABELS = { prompt: "Prompt", duration: "Length", name: "Name", description: "Description", element_input_urls: "Image URLs", element_input_video_urls: "Video URLs" };
const ITEM_LABELS = { element_input_urls: "Image URL", element_input_video_urls: "Video URL" };
/** A path into a shot or an element: list, index, field, item index. */
const ROW_PATH = /^(multi_prompt|kling_elements)\[(\d+)\](?:\.([a-z_]+)(?:\[(\d+)\])?)?$/;

/**
 * The form's label for the field at a package `path`: "multi_prompt[1].duration" is
 * "Shot 2 · Length", "kling_elements[0].element_input_urls[1]" is "Element 1 · Image URL 2".
 * Null for a path the form has no field for ("" is the whole request).
 */
export function fieldLabel(path) {
  if (Object.hasOwn(FIELD_LABELS, path)) return FIELD_LABELS[path];
  const row = ROW_PATH.exec(path);
  if (!row) return null;
  const [, list, i, part, j] = row;
  const name = `${list === "multi_prompt" ? "Shot" : "Element"} ${Number(i) + 1}`;
  if (!part) return name;
  const field = j === undefined ? PART_LABELS[part] : ITEM_LABELS[part] && `${ITEM_LABELS[part]} ${Number(j) + 1}`;
  return field ? `${name} · ${field}` : null;
}

/**
 * One issue as a line of text: its message as it is, after its field's label when `labelled`
 * (the line is not at the field). `kind` is "error", "warning" or "ok".
 */
export function issueLine(issue, kind, { labelled = false } = {}) {
  const line = document.createElement("span");
  line.className = kind;
  if (issue.code) line.dataset.code = issue.code;
  const label = labelled && typeof issue.path === "string" ? fieldLabel(issue.path) : null;
  if (label) {
    const name = document.createElement("strong");
    name.textContent = label;
    line.append(name, " — ");
  }
  line.append(String(issue.message));
  return line;
}

/** The message slot for an issue's path: a field's own, a shot's or an element's, or none. */
function slotFor(form, path) {
  const direct = document.querySelector(`[data-msg="${CSS.escape(path)}"]`);
  if (direct) return direct;
  const row = ROW_PATH.exec(path);
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

/** A person changed `target`: the parts of the form around it show their messages now. */
export function touch(form, target) {
  for (let node = target; node && node !== form; node = node.parentElement) {
    if (node.matches(".row, .field, .section")) touched.add(node);
  }
}

/** Every part of the form shows its messages (the form was filled from outside). */
export function touchAll(form) {
  for (const part of form.querySelectorAll(".section, .field, .row")) touched.add(part);
}

/** Every message shows from now on, touched or not (Send was pressed). */
export function revealIssues() {
  revealAll = true;
}

export const issuesRevealed = () => revealAll;

function seen(slot) {
  if (revealAll) return true;
  const place = slot.closest(".row, .field, .section");
  return !place || touched.has(place);
}

/** Shows each issue at its field, the rest in the list beside Send; returns how many errors are on view. */
export function showIssues(form, errors, warnings) {
  for (const el of document.querySelectorAll(".msg[data-msg], .msg[data-sub]")) el.replaceChildren();
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const others = $("other-problems");
  others.replaceChildren();
  let shown = 0;
  const place = (issue, kind) => {
    const slot = slotFor(form, issue.path);
    if (slot && !seen(slot)) return;
    if (kind === "error") shown++;
    if (slot) {
      slot.append(issueLine(issue, kind));
      if (kind === "error") {
        const sub = slot.dataset.sub;
        const host = slot.closest(".field, .row");
        const input = sub ? host?.querySelector(`[data-key="${sub}"]`) : host?.querySelector("input:not([type=checkbox]):not([type=radio]), textarea");
        input?.setAttribute("aria-invalid", "true");
      }
    } else {
      const item = document.createElement("li");
      item.append(issueLine(issue, kind, { labelled: true }));
      others.append(item);
    }
  };
  errors.forEach((e) => place(e, "error"));
  warnings.forEach((w) => place(w, "warning"));
  return shown;
}

const MAX_LINES = 10;

/**
 * Writes a lead line and a list of issues (a request from a link or a paste, away from the
 * form's fields: each labelled) into `box`, as text.
 */
export function writeIssues(box, lead, issues = [], kind = "error") {
  const first = document.createElement("span");
  first.className = issues.length > 0 ? "" : kind;
  first.textContent = lead;
  box.replaceChildren(first);
  // A hostile request can hold thousands of problems: the first few say enough.
  const shown = issues.slice(0, MAX_LINES);
  for (const issue of shown) box.append(issueLine(issue, kind, { labelled: true }));
  if (issues.length > shown.length) {
    const more = document.createElement("span");
    more.className = kind;
    more.textContent = `…and ${issues.length - shown.length} more.`;
    box.append(more);
  }
}
