// The same page with fal's client (through fal's proxy, as a browser should).
import { fal } from "@fal-ai/client";

fal.config({ proxyUrl: "/api/fal/proxy" });
fal.subscribe("fal-ai/kling-video/v2.1/standard/text-to-video", { input: { prompt: "a cat", duration: "5" } }).then((result) => {
  document.querySelector("video").src = result.data.video.url;
});
