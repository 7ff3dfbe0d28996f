// The same page with Runway's SDK.
import RunwayML from "@runwayml/sdk";

const client = new RunwayML({ apiKey: "placeholder", baseURL: "/api/runway", dangerouslyAllowBrowser: true });
client.textToVideo.create({ model: "veo3.1", promptText: "a cat", ratio: "1280:720", duration: 4 }).waitForTaskOutput().then((task) => {
  document.querySelector("video").src = task.output[0];
});
