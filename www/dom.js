// The two things every part of the page needs from the document: an element by id, and the one
// status region that speaks to screen readers.

export const $ = (id) => document.getElementById(id);

let announcing;
/**
 * Says `text` to screen readers through the page's one status region: at once, or `after` ms
 * with nothing newer (the form's state, once typing pauses, rather than at every key).
 */
export function announce(text, after = 0) {
  clearTimeout(announcing);
  announcing = setTimeout(() => { $("announce").textContent = text; }, after);
}
