// "What will be sent": the JSON body and the same request as code (curl, JavaScript, fetch,
// Python), both written by the package, and their Copy buttons. The typed key never shows.
import { ValidationError, buildRequest, toSnippet } from "/pkg/web.js";
import { connection } from "./connection.js";
import { $, announce } from "./dom.js";

/** The language "Copy as code" writes, and the copy button's name for it. */
const LANGUAGES = { curl: "the curl command", js: "the JavaScript (kling3-wasm) code", fetch: "the fetch code", python: "the Python code" };
const language = () => document.querySelector('input[name="language"]:checked')?.value ?? "curl";

/** Shows the body and the code that Send would send for `request`, or what keeps it from being built. */
export function showPreview(request) {
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

/** Wires the language choice and the Copy buttons; `request()` gives the request to show. */
export function setUpPreview(request) {
  for (const choice of document.querySelectorAll('input[name="language"]')) {
    choice.addEventListener("change", () => {
      $("copy-code").setAttribute("aria-label", `Copy ${LANGUAGES[language()]}`);
      showPreview(request());
    });
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
}
