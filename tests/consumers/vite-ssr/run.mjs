// Runs the built server entry (the first argument) against the API at the second, printing
// its result as JSON: what a serverless platform does with the built output.
import { pathToFileURL } from "node:url";

const [entry, api] = process.argv.slice(2);
const { run } = await import(pathToFileURL(entry).href);
console.log(JSON.stringify(await run(api)));
