// The same page with Replicate's client.
import Replicate from "replicate";

const replicate = new Replicate({ auth: "r8_placeholder", baseUrl: "/api/replicate" });
replicate.run("kwaivgi/kling-v2.1", { input: { prompt: "a cat", duration: 5 } }).then((output) => {
  document.querySelector("video").src = String(output);
});
