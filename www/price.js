// The price of the form's request, and its chart, from the package's estimateCost.
import { ValidationError, estimateCost } from "/pkg/web.js";
import { drawChart } from "./chart.js";
import { $ } from "./dom.js";
import { LIMITS } from "./form.js";
import { fieldLabel } from "./issues.js";

/** The cost of a request, or null when a price field is invalid. */
export function costOf(request) {
  try {
    return estimateCost(request);
  } catch {
    return null;
  }
}

/** Shows the price and its chart; returns the cost, or null when a price field is invalid. */
export function showPrice(request) {
  let cost = null;
  try {
    cost = estimateCost(request);
    $("credits").textContent = String(cost.credits);
    $("price-breakdown").textContent =
      `${cost.creditsPerSecond} credits/s × ${cost.seconds} s · ${cost.mode === "pro" ? "Pro" : "Standard"}, ${cost.sound ? "with" : "without"} sound`;
  } catch (error) {
    $("credits").textContent = "—";
    // The first problem, as the package wrote it, after its field's name in the form.
    const issue = error instanceof ValidationError ? error.errors[0] : null;
    const label = issue ? fieldLabel(issue.path) : null;
    $("price-breakdown").textContent = issue
      ? `No price yet. ${label ? `${label} — ` : ""}${issue.message}`
      : `No price: ${error.message}`;
  }
  drawChart($("price-chart"), estimateCost, LIMITS, cost);
  return cost;
}
