// "Tasks in this tab": every task this tab sent or looked up, newest first, each with a
// "Check again" button. Kept in memory only.
import { $ } from "./dom.js";

const tasks = new Map(); // taskId -> { taskId, prompt, credits, status, note, sentAt }
let checkAgain = null;

/** What "Check again" does with a task id. */
export function onCheckAgain(check) {
  checkAgain = check;
}

/**
 * Adds a task to the list, or updates its fields: `prompt`, `credits`, `status`, and `note`, a
 * word on the status ("not watched"), which a new status clears.
 */
export function remember(taskId, fields) {
  const entry = tasks.get(taskId) ?? { taskId, prompt: "", credits: null, status: "", note: null, sentAt: new Date().toLocaleTimeString() };
  Object.assign(entry, "status" in fields ? { note: null } : {}, fields);
  tasks.set(taskId, entry);
  draw();
}

/** Puts a note on a listed task's status ("not watched"); a task not listed stays out. */
export function noteOn(taskId, note) {
  if (tasks.has(taskId)) remember(taskId, { note });
}

function draw() {
  const body = $("history").querySelector("tbody");
  body.replaceChildren();
  for (const entry of [...tasks.values()].reverse()) {
    const row = document.createElement("tr");
    const cells = [
      ["Task", entry.taskId, "id"],
      ["Prompt", entry.prompt || "—", "prompt"],
      ["Price", entry.credits === null ? "—" : `${entry.credits} credits`, ""],
      ["Status", entry.note ? `${entry.status} (${entry.note})` : entry.status, "status"],
      ["Sent", entry.sentAt, ""],
    ];
    for (const [label, text, kind] of cells) {
      const cell = document.createElement("td");
      cell.dataset.label = label;
      if (kind) cell.className = kind;
      cell.textContent = text;
      if (kind === "prompt" && entry.prompt) cell.title = entry.prompt;
      row.append(cell);
    }
    const actions = document.createElement("td");
    actions.className = "row-actions";
    const again = document.createElement("button");
    again.type = "button";
    again.textContent = "Check again";
    again.setAttribute("aria-label", `Check task ${entry.taskId} again`);
    again.addEventListener("click", () => checkAgain?.(entry.taskId));
    actions.append(again);
    row.append(actions);
    body.append(row);
  }
  $("history").hidden = tasks.size === 0;
  $("history-empty").hidden = tasks.size > 0;
}
