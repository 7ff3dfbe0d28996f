// A task's panel ("Task" for the one being sent, "Checked task" for one looked up): status,
// progress, timeline, error, video and raw answers. Server data is written as text only, and
// only an http(s) video URL (the package's `videoUrl`) is played.
import { ApiError, TaskFailedError } from "/pkg/web.js";
import { describeError } from "./errors.js";
import { seconds } from "./format.js";

/** How much of one answer the raw view keeps, and how many answers: a huge or deeply nested
 *  answer must not freeze the page or overflow the stack when it is shown. */
const RAW_CHARS = 20_000;
const RAW_DEPTH = 40;
const RAW_KEPT = 10;

/**
 * A value as indented JSON, cut at `limit` characters and `depth` levels, without building the
 * whole text first: a 20 MB answer costs no more than a small one, and nesting cannot overflow.
 */
export function boundedJson(value, limit = RAW_CHARS, depth = RAW_DEPTH) {
  let out = "";
  const full = {};
  const write = (text) => {
    if (out.length + text.length > limit) {
      out += text.slice(0, limit - out.length);
      throw full;
    }
    out += text;
  };
  const walk = (v, indent, level) => {
    if (typeof v === "string") return write(JSON.stringify(v.length > limit ? v.slice(0, limit) : v));
    if (v === null || typeof v !== "object") return write(JSON.stringify(v) ?? "null");
    const array = Array.isArray(v);
    const keys = array ? null : Object.keys(v);
    const n = array ? v.length : keys.length;
    if (n === 0) return write(array ? "[]" : "{}");
    if (level >= depth) return write(array ? "[…]" : "{…}");
    const inner = `${indent}  `;
    write(array ? "[" : "{");
    for (let i = 0; i < n; i++) {
      write(`${i ? "," : ""}\n${inner}`);
      if (!array) write(`${JSON.stringify(keys[i])}: `);
      walk(array ? v[i] : v[keys[i]], inner, level + 1);
    }
    write(`\n${indent}${array ? "]" : "}"}`);
  };
  try {
    if (typeof value === "string") write(value);
    else walk(value, "", 0);
    return out;
  } catch (error) {
    if (error !== full) throw error;
    return `${out}\n… (cut here: the page shows the first ${limit.toLocaleString("en")} characters of an answer)`;
  }
}

/** One place that shows a task: status, progress, timeline, error, video and raw answers. */
export function taskView(root, status) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const raw = [];
  let ticker = null;
  const view = {
    root,
    reset() {
      root.hidden = false;
      part("error").hidden = true;
      part("note").hidden = true;
      part("result").hidden = true;
      part("player").removeAttribute("src");
      part("player").load?.();
      part("timeline").replaceChildren();
      part("meta").textContent = "";
      raw.length = 0;
      part("raw").textContent = "";
      view.progress(0);
    },
    status(text) {
      status.textContent = text;
    },
    line(text) {
      const item = document.createElement("li");
      item.textContent = text;
      part("timeline").append(item);
    },
    progress(fraction) {
      part("progress").style.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
    },
    /** Keeps "12.3 s elapsed" moving between polls; `extra()` adds the poll count. */
    tick(started, extra) {
      view.stopTick();
      const draw = () => { part("meta").textContent = `${seconds(performance.now() - started)} elapsed${extra()}`; };
      draw();
      ticker = setInterval(draw, 200);
    },
    stopTick() {
      clearInterval(ticker);
      ticker = null;
    },
    raw(label, body) {
      if (body === undefined || body === null) return;
      raw.unshift(`// ${new Date().toLocaleTimeString()} ${label}\n${boundedJson(body)}`);
      raw.length = Math.min(raw.length, RAW_KEPT);
      part("raw").textContent = raw.join("\n\n");
    },
    /** Shows an error as `describeError` words it; returns its box, for a button to go under it. */
    error(error, context) {
      const box = part("error");
      const { label, lines } = describeError(error, context);
      box.replaceChildren(...lines.map((text, i) => {
        const line = document.createElement("span");
        line.className = "line";
        if (i === 0 && label) {
          const status = document.createElement("strong");
          status.textContent = label;
          line.append(status, " — ");
        }
        line.append(text);
        return line;
      }));
      box.hidden = false;
      if (error instanceof ApiError) view.raw(`HTTP ${error.status}`, error.body);
      if (error instanceof TaskFailedError) view.raw("failed task", error.task?.raw);
      return box;
    },
    note(text) {
      part("note").textContent = text;
      part("note").hidden = false;
    },
    /** Shows the video of a task that succeeded, or says why there is none. */
    finish(task, started) {
      view.progress(1);
      const took = started === undefined ? "" : ` in ${seconds(performance.now() - started)}`;
      if (!task.videoUrl) {
        view.status(`Done${took}, but there is no video to show.`);
        view.note("The task succeeded, but its answer gives no http(s) video URL, so there is nothing this page can play or download (a missing URL, or one of another kind, such as javascript: or data:, which the page never opens). The raw responses show what the API sent.");
        part("raw-box").open = true;
        return;
      }
      view.status(`Done${took}: the video is ready.`);
      part("result").hidden = false;
      part("player").src = task.videoUrl;
      const link = part("download");
      link.href = task.videoUrl;
      // A download attribute works on this origin only: elsewhere the browser would open the
      // video in this tab and lose the page. A video from another site opens in a new tab.
      const here = new URL(task.videoUrl).origin === location.origin;
      if (here) {
        link.setAttribute("download", "");
        link.removeAttribute("target");
        link.removeAttribute("rel");
        link.textContent = "Download the video";
        part("download-hint").textContent = "";
      } else {
        link.removeAttribute("download");
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.textContent = "Open the video in a new tab";
        part("download-hint").textContent = `(it is on ${new URL(task.videoUrl).host}: save it from there)`;
      }
    },
  };
  return view;
}
