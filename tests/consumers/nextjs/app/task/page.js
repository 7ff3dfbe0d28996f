// A server component that reads a task at each request, under the fetch cache that keeps every
// fetch that does not ask otherwise: the client's requests ask for no-store, so each render
// reaches the API.
import { KlingClient } from "kling3-wasm";

export const fetchCache = "default-cache";

export default async function Task({ searchParams }) {
  const { taskId } = await searchParams;
  const client = new KlingClient({ apiKey: process.env.KLING_API_KEY, baseUrl: process.env.KLING_UPSTREAM });
  const task = await client.getTask(taskId);
  return <p id="task-status">{task.status}</p>;
}
