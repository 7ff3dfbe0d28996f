// A server component rendered at each request (SSR), from the query string.
import { estimateCost, validateRequest } from "kling3-wasm";

export const dynamic = "force-dynamic";

export default async function Priced({ searchParams }) {
  const { duration = "5", mode = "std" } = await searchParams;
  const request = { prompt: "A cat", duration: Number(duration), mode };
  const report = validateRequest(request);
  return <p id="ssr-price">{report.valid ? estimateCost(request).credits : report.errors.map((e) => e.path).join(",")}</p>;
}
