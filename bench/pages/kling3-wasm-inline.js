// The same page as kling3-wasm.js, with the wasm inlined: `kling3-wasm/inline`.
import { KlingClient } from "kling3-wasm/inline";

const client = new KlingClient({ baseUrl: "/api/v1" });
client.generate({ prompt: "a cat", duration: 5 }).then((task) => {
  document.querySelector("video").src = task.videoUrl;
});
