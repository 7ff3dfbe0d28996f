"use client";
// A client component: validates and prices as the user types, and runs generate() through the
// proxy route (the key stays on the server). ?runtime=edge sends it through the edge route.
import { useEffect, useState } from "react";
import { ApiError, KlingClient, estimateCost, validateRequest } from "kling3-wasm";

export default function Studio() {
  const [prompt, setPrompt] = useState("A cat");
  const [duration, setDuration] = useState("3");
  const [outcome, setOutcome] = useState("");
  // Set once React has hydrated the form: typing before that would be lost.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const request = { prompt, duration: Number(duration) };
  const report = validateRequest(request);

  async function send() {
    const runtime = new URLSearchParams(location.search).get("runtime") === "edge" ? "edge" : "api/kling";
    const client = new KlingClient({ baseUrl: `/studio/${runtime}` });
    try {
      const task = await client.generate(request, { pollIntervalMs: 50 });
      setOutcome(`${task.status} ${task.taskId} ${task.videoUrl}`);
    } catch (e) {
      setOutcome(e instanceof ApiError ? `ApiError ${e.status} ${e.type}: ${e.message}` : `${e.name}: ${e.message}`);
    }
  }

  return (
    <form data-hydrated={hydrated ? "" : undefined} onSubmit={(e) => (e.preventDefault(), send())}>
      <input id="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
      <input id="duration" value={duration} onChange={(e) => setDuration(e.target.value)} />
      <p id="price">{report.valid ? estimateCost(request).credits : report.errors.map((e) => e.path).join(",")}</p>
      <button id="send" disabled={!report.valid}>Generate</button>
      <p id="outcome">{outcome}</p>
    </form>
  );
}
