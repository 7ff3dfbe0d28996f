// A server component, prerendered at build time: the price is in the static HTML.
import { estimateCost } from "kling3-wasm";
import Studio from "./studio";

export default function Page() {
  const { credits } = estimateCost({ prompt: "A cat", duration: 3 });
  return (
    <main>
      <p id="static-price">{credits}</p>
      <Studio />
    </main>
  );
}
