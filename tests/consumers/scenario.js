// What every consumer does with the package: validate, price, build, and run a task against
// the sandbox. Each consumer imports the package its own way and hands it to this function.
export async function scenario(k, baseUrl) {
  const request = { prompt: "A cat in a consumer test", duration: 3 };
  const report = k.validateRequest(request);
  const cost = k.estimateCost(request);
  const built = k.buildRequest(request, { apiKey: "aio_consumer1", baseUrl });
  let invalid = null;
  try {
    k.normalizeRequest({ duration: 20 });
  } catch (e) {
    invalid = e instanceof k.ValidationError && e instanceof k.KlingError ? e.errors.map((i) => i.path).join(",") : `wrong class ${e?.name}`;
  }
  const client = new k.KlingClient({ apiKey: "aio_consumer1", baseUrl });
  const task = await client.generate(request, { pollIntervalMs: 50 });
  return { valid: report.valid, credits: cost.credits, url: built.url, invalid, status: task.status, videoUrl: task.videoUrl };
}
