// The same read with a plain fetch that names no cache mode: the test's control, showing that
// Next.js's fetch cache does keep such a fetch here.
import { clientDefaults } from "kling3-wasm";

export const fetchCache = "default-cache";

export default async function PlainFetch({ searchParams }) {
  const { taskId } = await searchParams;
  const url = `${process.env.KLING_UPSTREAM}${clientDefaults().tasksPath}${encodeURIComponent(taskId)}`;
  const body = await fetch(url, { headers: { Authorization: `Bearer ${process.env.KLING_API_KEY}` } }).then((r) => r.text());
  return <p id="task-body">{body.length}</p>;
}
