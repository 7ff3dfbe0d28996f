// The tester page: checks the form's request with the package as it changes, and sends it.
// Every rule and price comes from kling3-wasm; the page's modules only move values in and out
// of the page, always as text (textContent), never as HTML:
//   form.js        the request form, its shots and elements, presets
//   issues.js      the package's validation issues, at their fields
//   price.js       the price and its chart (chart.js)
//   preview.js     the body and the code that Send would send
//   connection.js  base URL, key, wait limit, and where Send goes
//   share.js       links to a request, and pasted bodies
//   run.js         sending: the "Task" panel; check.js: the "Checked task" panel and Look up
//   task-view.js   a task's panel; watch.js waits for a task; history.js the tab's tasks
//   errors.js      what the page says about an error
import { ValidationError, buildRequest, validateRequest } from "/pkg/web.js";
import { setUpCheck } from "./check.js";
import { connection, readWaitLimit, onSandbox, setUpConnection, showDestination, waitMs } from "./connection.js";
import { $, announce } from "./dom.js";
import { drawForm, form, readForm, setUpForm } from "./form.js";
import { issuesRevealed, revealIssues, showIssues } from "./issues.js";
import { costOf, showPrice } from "./price.js";
import { setUpPreview, showPreview } from "./preview.js";
import { setUpRunner } from "./run.js";
import { loadFromFragment, setUpSharing } from "./share.js";

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

/** The connection's options as the package judges them: its issues with the base URL or key. */
function optionIssues(options) {
  try {
    buildRequest({ prompt: "x" }, options);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
  }
  return [];
}

let busy = false;
let ready = false;
let runner = null;

/** Draws everything that follows from the form and the connection, after any change. */
function update() {
  const { request, report, ignored } = currentRequest();
  drawForm(report, ignored);
  const options = connection();
  const optionErrors = optionIssues(options);
  const wait = readWaitLimit();
  const pageErrors = wait.problem ? [{ path: "waitLimit", code: "out_of_range", message: wait.problem }] : [];
  const errors = [...report.errors, ...optionErrors, ...pageErrors];
  const shown = showIssues(form, errors, report.warnings);
  showDestination(options, optionErrors);
  const n = errors.length;
  const warned = report.warnings.length;
  const revealed = shown > 0 || issuesRevealed();
  $("summary").textContent = n === 0
    ? `Ready to send${warned ? `, with ${warned} warning${warned > 1 ? "s" : ""}` : ""}.`
    : revealed
      ? `${n} problem${n > 1 ? "s" : ""} to fix before sending.`
      : `${n === 1 ? "One thing" : `${n} things`} to fill in before sending.`;
  $("summary").className = n === 0 ? "ok" : revealed ? "bad" : "muted";
  const priced = showPrice(request);
  announce(`${$("summary").textContent}${priced ? ` ${priced.credits} credits.` : ""}`, 1200);
  showPreview(request);
  ready = n === 0;
  const guarded = runner?.guarded(request) ?? false;
  $("resend-box").hidden = !guarded;
  $("resend-key").hidden = !(guarded && runner?.repeatsKey(request));
  if (!guarded) $("resend-ok").checked = false;
  $("send").disabled = busy || (guarded && !$("resend-ok").checked);
}

setUpForm({ onChange: update, sandbox: onSandbox });
runner = setUpRunner({
  getRequest: () => {
    const { request } = currentRequest();
    return { request, cost: costOf(request) };
  },
  getConnection: connection,
  getWaitMs: waitMs,
  onBusy: (value) => {
    busy = value;
    $("cancel").hidden = !busy;
    update();
    if (busy) $("cancel").focus();
    else if (!$("send").disabled) $("send").focus();
  },
  onGuard: () => update(),
});
setUpCheck({ getConnection: connection, getWaitMs: waitMs });
setUpPreview(() => currentRequest().request);
setUpSharing();

$("resend-ok").addEventListener("change", () => update());
$("send").addEventListener("click", () => {
  if (busy) return;
  if (!ready) {
    // Every message shows now, and focus goes to the first field to fix.
    revealIssues();
    update();
    const first = document.querySelector('#form [aria-invalid="true"]') ?? document.querySelector("#form .msg .error")?.closest(".field, .row, .section")?.querySelector("input, textarea");
    first?.focus();
    return;
  }
  runner.send();
});
// Ctrl+Enter (⌘+Enter) sends from anywhere in the form.
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $("send").click();
  }
});

const connecting = setUpConnection();
update();
connecting.finally(() => {
  loadFromFragment();
  update();
  $("load-status").textContent = "Ready: the package is loaded, and checks run in your browser.";
  // The moment the page is ready for a visitor, for the bench's time to interactive.
  performance.mark("kling3:ready");
  document.body.dataset.ready = "true";
});
