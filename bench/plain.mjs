// The same rules as kling3-wasm, as a zod schema and as plain JavaScript, for the throughput
// comparison in bench/run.mjs. (The package itself never uses these.)
import { z } from "zod";

const url = z.string().regex(/^https?:\/\/[^\s/?#]+/i);
const shot = z.object({ prompt: z.string().trim().min(1).max(512), duration: z.number().int().min(1).max(15) });
const element = z.object({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  element_input_urls: z.array(url).optional(),
  element_input_video_urls: z.array(url).optional(),
});
export const zodRequest = z
  .object({
    model: z.literal("kling-3").default("kling-3"),
    prompt: z.string().trim().min(1).max(2500).optional(),
    mode: z.enum(["std", "pro"]).default("std"),
    duration: z.number().int().min(3).max(15).optional(),
    aspect_ratio: z.enum(["1:1", "9:16", "16:9"]).default("16:9"),
    sound: z.boolean().default(true),
    image: url.optional(),
    multi_shots: z.boolean().optional(),
    multi_prompt: z.array(shot).min(1).max(6).optional(),
    kling_elements: z.array(element).max(3).optional(),
    callback_url: url.optional(),
  })
  .passthrough()
  .superRefine((r, ctx) => {
    if (!r.multi_shots && r.prompt === undefined) ctx.addIssue({ code: "custom", path: ["prompt"], message: "prompt is required" });
    if (r.multi_shots && !r.multi_prompt) ctx.addIssue({ code: "custom", path: ["multi_prompt"], message: "multi_prompt is required" });
    const names = (r.kling_elements ?? []).map((e) => e.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: "custom", path: ["kling_elements"], message: "duplicate name" });
    if (r.multi_shots && r.multi_prompt) {
      const total = r.multi_prompt.reduce((a, s) => a + s.duration, 0);
      if (total < 3 || total > 15) ctx.addIssue({ code: "custom", path: ["multi_prompt"], message: "out of range" });
      if (r.duration !== undefined && r.duration !== total) ctx.addIssue({ code: "custom", path: ["duration"], message: "mismatch" });
    }
  });

const RATES = { std: [40, 60], pro: [54, 80] };
/** The same answer estimateCost gives: `{ credits, creditsPerSecond, seconds, mode, sound }`. */
const cost = (mode, sound, seconds) => {
  const creditsPerSecond = RATES[mode][sound ? 1 : 0];
  return { credits: creditsPerSecond * seconds, creditsPerSecond, seconds, mode, sound };
};
export const zodPrice = (input) => {
  const r = zodRequest.parse(input);
  const seconds = r.duration ?? (r.multi_shots ? r.multi_prompt.reduce((a, s) => a + s.duration, 0) : 5);
  return cost(r.mode, r.sound, seconds);
};
export const zodBuild = (input, apiKey) => ({
  method: "POST",
  url: "https://apiin.one/api/v1/videos/generations",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
  body: JSON.stringify(zodRequest.parse(input)),
});

const isUrl = (s) => typeof s === "string" && /^https?:\/\/[^\s/?#]+/i.test(s);
const chars = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const seconds = (v, min) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= 15;

const FIELDS = ["model", "prompt", "mode", "duration", "aspect_ratio", "sound", "image", "multi_shots", "multi_prompt", "kling_elements", "callback_url"];
const mentions = (text, tag) => {
  for (let at = text.indexOf(tag); at !== -1; at = text.indexOf(tag, at + 1)) {
    const before = text.slice(0, at).at(-1);
    const after = text[at + tag.length];
    const nameChar = (c) => c !== undefined && /[\p{L}\p{N}_-]/u.test(c);
    if (!nameChar(before) && !nameChar(after)) return true;
  }
  return false;
};

/** The warnings the package gives for a request that passed the rules (same paths and codes). */
export function plainWarnings(r) {
  const warnings = [];
  const multi = r.multi_shots === true;
  for (const key of Object.keys(r)) if (!FIELDS.includes(key)) warnings.push({ path: key, code: "unknown_field" });
  if (multi && r.prompt !== undefined) warnings.push({ path: "prompt", code: "ignored" });
  if (r.image !== undefined && r.aspect_ratio !== undefined) warnings.push({ path: "aspect_ratio", code: "ignored" });
  if (!multi && r.multi_prompt !== undefined) warnings.push({ path: "multi_prompt", code: "ignored" });
  (Array.isArray(r.multi_prompt) ? r.multi_prompt : []).forEach((s, i) => {
    for (const key of Object.keys(s)) if (!["prompt", "duration"].includes(key)) warnings.push({ path: `multi_prompt[${i}].${key}`, code: "unknown_field" });
  });
  const prompts = multi ? (r.multi_prompt ?? []).map((s) => s.prompt) : r.prompt === undefined ? [] : [r.prompt];
  (r.kling_elements ?? []).forEach((e, i) => {
    for (const key of Object.keys(e)) if (!["name", "description", "element_input_urls", "element_input_video_urls"].includes(key)) warnings.push({ path: `kling_elements[${i}].${key}`, code: "unknown_field" });
    const images = e.element_input_urls;
    const videos = e.element_input_video_urls;
    if (images !== undefined && (images.length < 2 || images.length > 4)) warnings.push({ path: `kling_elements[${i}].element_input_urls`, code: "out_of_range" });
    if (videos !== undefined && videos.length !== 1) warnings.push({ path: `kling_elements[${i}].element_input_video_urls`, code: "out_of_range" });
    if (images === undefined && videos === undefined) warnings.push({ path: `kling_elements[${i}]`, code: "required" });
  });
  (r.kling_elements ?? []).forEach((e, i) => {
    if (!prompts.some((p) => mentions(p, `@${e.name}`))) warnings.push({ path: `kling_elements[${i}]`, code: "unreferenced" });
  });
  return warnings;
}

/** zod's verdict with the package's warnings, so both do the same work. */
export function zodValidate(r) {
  const result = zodRequest.safeParse(r);
  return { valid: result.success, issues: result.success ? [] : result.error.issues, warnings: result.success ? plainWarnings(r) : [] };
}

export function plainValidate(r) {
  const errors = [];
  if (r === null || typeof r !== "object" || Array.isArray(r)) return { valid: false, errors: [{ path: "", code: "invalid_type" }] };
  const multi = r.multi_shots === true;
  if (r.model !== undefined && r.model !== "kling-3") errors.push({ path: "model", code: "invalid_value" });
  if (r.prompt === undefined) {
    if (!multi) errors.push({ path: "prompt", code: "required" });
  } else if (typeof r.prompt !== "string") errors.push({ path: "prompt", code: "invalid_type" });
  else if (!r.prompt.trim()) errors.push({ path: "prompt", code: "required" });
  else if (chars(r.prompt) > 2500) errors.push({ path: "prompt", code: "too_long" });
  if (r.mode !== undefined && r.mode !== "std" && r.mode !== "pro") errors.push({ path: "mode", code: "invalid_value" });
  if (r.duration !== undefined && !seconds(r.duration, 3)) errors.push({ path: "duration", code: "out_of_range" });
  if (r.aspect_ratio !== undefined && !["1:1", "9:16", "16:9"].includes(r.aspect_ratio)) errors.push({ path: "aspect_ratio", code: "invalid_value" });
  if (r.sound !== undefined && typeof r.sound !== "boolean") errors.push({ path: "sound", code: "invalid_type" });
  if (r.image !== undefined && !isUrl(r.image)) errors.push({ path: "image", code: "invalid_url" });
  if (r.callback_url !== undefined && !isUrl(r.callback_url)) errors.push({ path: "callback_url", code: "invalid_url" });
  if (multi) {
    if (!Array.isArray(r.multi_prompt) || r.multi_prompt.length === 0) errors.push({ path: "multi_prompt", code: "required" });
    else {
      if (r.multi_prompt.length > 6) errors.push({ path: "multi_prompt", code: "too_long" });
      let total = 0;
      r.multi_prompt.forEach((s, i) => {
        if (typeof s?.prompt !== "string" || !s.prompt.trim()) errors.push({ path: `multi_prompt[${i}].prompt`, code: "required" });
        if (!seconds(s?.duration, 1)) errors.push({ path: `multi_prompt[${i}].duration`, code: "out_of_range" });
        else total += s.duration;
      });
      if (total < 3 || total > 15) errors.push({ path: "multi_prompt", code: "out_of_range" });
      else if (r.duration !== undefined && r.duration !== total) errors.push({ path: "duration", code: "duration_mismatch" });
    }
  }
  if (r.kling_elements !== undefined) {
    if (!Array.isArray(r.kling_elements)) errors.push({ path: "kling_elements", code: "invalid_type" });
    else {
      if (r.kling_elements.length > 3) errors.push({ path: "kling_elements", code: "too_long" });
      r.kling_elements.forEach((e, i) => {
        if (typeof e?.name !== "string" || !e.name.trim()) errors.push({ path: `kling_elements[${i}].name`, code: "required" });
        for (const key of ["element_input_urls", "element_input_video_urls"]) {
          (e?.[key] ?? []).forEach((u, j) => !isUrl(u) && errors.push({ path: `kling_elements[${i}].${key}[${j}]`, code: "invalid_url" }));
        }
      });
    }
  }
  const names = new Set();
  for (const [i, e] of (Array.isArray(r.kling_elements) ? r.kling_elements : []).entries()) {
    if (typeof e?.name === "string" && names.has(e.name)) errors.push({ path: `kling_elements[${i}].name`, code: "duplicate" });
    names.add(e?.name);
  }
  return { valid: errors.length === 0, errors, warnings: errors.length === 0 ? plainWarnings(r) : [] };
}

export function plainPrice(r) {
  const mode = r.mode ?? "std";
  const sound = r.sound ?? true;
  const s = r.duration ?? (r.multi_shots && Array.isArray(r.multi_prompt) ? r.multi_prompt.reduce((a, x) => a + x.duration, 0) : 5);
  return cost(mode, sound, s);
}

export function plainBuild(r, apiKey) {
  const check = plainValidate(r);
  if (!check.valid) throw new Error("invalid");
  const total = r.multi_shots === true ? r.multi_prompt.reduce((a, s) => a + s.duration, 0) : 5;
  const body = { model: "kling-3", ...r, mode: r.mode ?? "std", duration: r.duration ?? total, aspect_ratio: r.aspect_ratio ?? "16:9", sound: r.sound ?? true };
  return {
    method: "POST",
    url: "https://apiin.one/api/v1/videos/generations",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  };
}
