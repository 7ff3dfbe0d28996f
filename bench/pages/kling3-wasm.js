// A page that creates a Kling 3.0 task and waits for it, with kling3-wasm.
import { KlingClient } from "kling3-wasm";

const client = new KlingClient({ baseUrl: "/api/v1" });
client.generate({ prompt: "a cat", duration: 5 }).then((task) => {
  document.querySelector("video").src = task.videoUrl;
});
