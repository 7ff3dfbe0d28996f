// The price chart: credits against duration for the four mode/sound rates, as inline SVG, with
// the current request marked. Every number comes from the package's estimateCost.
const NS = "http://www.w3.org/2000/svg";
const SERIES = [
  { mode: "std", sound: false, label: "Standard" },
  { mode: "std", sound: true, label: "Standard + sound" },
  { mode: "pro", sound: false, label: "Pro" },
  { mode: "pro", sound: true, label: "Pro + sound" },
];
const W = 320;
const H = 170;
const PAD = { left: 40, right: 10, top: 10, bottom: 48 };

/**
 * A round step that cuts `span` into at most `parts` pieces: 1, 2 or 5 times a power of ten
 * (a span of 1200 in 3 parts gives 500; a span of 12 gives 5).
 */
export function niceStep(span, parts) {
  const rough = span / parts;
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const factor = [1, 2, 5, 10].find((f) => f * power >= rough) ?? 10;
  return factor * power;
}

/** The multiples of `step` from `from` to `to`, both ends included when they are multiples. */
function multiples(from, to, step) {
  const out = [];
  for (let v = Math.ceil(from / step) * step; v <= to; v += step) out.push(v);
  return out;
}

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Draws the chart into `svg` for durations within `limits`; `current` is the request's cost (or null). */
export function drawChart(svg, estimateCost, limits, current) {
  const { minSeconds: lo, maxSeconds: hi } = limits;
  const points = SERIES.map((s) => {
    const pts = [];
    for (let d = lo; d <= hi; d++) pts.push([d, estimateCost({ mode: s.mode, sound: s.sound, duration: d }).credits]);
    const { creditsPerSecond } = estimateCost({ mode: s.mode, sound: s.sound, duration: lo });
    return { ...s, pts, creditsPerSecond };
  });
  const max = Math.max(...points.flatMap((s) => s.pts.map((p) => p[1])));
  const x = (d) => PAD.left + ((d - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const y = (c) => H - PAD.bottom - (c / max) * (H - PAD.top - PAD.bottom);
  const nodes = [];
  // Gridlines at round credits up to the highest price, and round durations between the bounds.
  for (const c of multiples(0, max, niceStep(max, 3))) {
    nodes.push(el("line", { x1: PAD.left, x2: W - PAD.right, y1: y(c), y2: y(c), class: "grid" }));
    nodes.push(el("text", { x: PAD.left - 4, y: y(c) + 3, "text-anchor": "end", class: "tick" }, String(c)));
  }
  const inner = multiples(lo, hi, niceStep(hi - lo, 3)).filter((d) => d > lo && d < hi);
  for (const d of [lo, ...inner, hi]) nodes.push(el("text", { x: x(d), y: H - PAD.bottom + 12, "text-anchor": "middle", class: "tick" }, `${d}s`));
  points.forEach((s, i) => {
    const chosen = current && current.mode === s.mode && current.sound === s.sound;
    nodes.push(el("polyline", { points: s.pts.map(([d, c]) => `${x(d)},${y(c)}`).join(" "), class: `series s${i}${chosen ? " chosen" : ""}` }));
    const lx = PAD.left + (i % 2) * 140;
    const ly = H - 22 + Math.floor(i / 2) * 13;
    nodes.push(el("line", { x1: lx, x2: lx + 14, y1: ly - 3, y2: ly - 3, class: `series s${i}` }));
    nodes.push(el("text", { x: lx + 18, y: ly, class: "legend" }, `${s.label} (${s.creditsPerSecond}/s)`));
  });
  if (current) {
    const cx = x(current.seconds);
    const cy = y(current.credits);
    nodes.push(el("circle", { cx, cy, r: 5, class: "marker" }));
    const right = cx > W / 2;
    nodes.push(el("text", { x: cx + (right ? -8 : 8), y: cy - 8, "text-anchor": right ? "end" : "start", class: "marker-label" }, `${current.credits}`));
  }
  svg.replaceChildren(...nodes);
  svg.setAttribute("aria-label", current
    ? `Price chart: your request, ${current.seconds} s, costs ${current.credits} credits`
    : "Price chart of credits by duration");
}
