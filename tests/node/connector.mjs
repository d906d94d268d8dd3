// Runs the connector component in Node.js through jco, for the end-to-end
// suite (tests/end_to_end/node.rs), which decides what to call and checks
// every answer.
//
//   node connector.mjs COMPONENT.wasm
//
// It transpiles the component into ./out (here, so that the generated code
// finds @bytecodealliance/preview2-shim in ./node_modules), prints
// {"ready": true}, then reads one JSON call per line on stdin and answers each
// with one JSON line on stdout:
//
//   {"call": "describe"}                                    -> {"ok": "<describe() text>"}
//   {"call": "invoke", "connection": {...}, "action": "read", "input": "{...}"}
//                                                           -> {"ok": "<JSON text>"}
//                                                           or {"err": {"tag": "not-found", "val": {...}}}

import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

import { transpile } from "@bytecodealliance/jco";

const here = dirname(fileURLToPath(import.meta.url));
const component = process.argv[2];
if (!component) {
  console.error("usage: node connector.mjs COMPONENT.wasm");
  process.exit(2);
}

const out = join(here, "out");
await rm(out, { recursive: true, force: true });
const { files } = await transpile(await readFile(component), { name: "hubspot" });
for (const [name, bytes] of Object.entries(files)) {
  await mkdir(dirname(join(out, name)), { recursive: true });
  await writeFile(join(out, name), bytes);
}
const { tool } = await import(pathToFileURL(join(out, "hubspot.js")).href);

// WIT names are kebab-case; jco's JavaScript names are camelCase.
function connection({ "access-token": accessToken, "api-base": apiBase }) {
  return { accessToken, apiBase };
}

// BigInts (u64 fields of the error payload) have no JSON form of their own.
function json(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? Number(v) : v));
}

function run(request) {
  try {
    switch (request.call) {
      case "describe":
        return { ok: tool.describe() };
      case "invoke":
        return { ok: tool.invoke(connection(request.connection), request.action, request.input) };
      default:
        return { fault: `unknown call ${request.call}` };
    }
  } catch (error) {
    // jco throws a WIT `result` error as an exception whose payload is the variant.
    if (error && error.payload && typeof error.payload.tag === "string") {
      return { err: error.payload };
    }
    return { fault: String(error && error.stack ? error.stack : error) };
  }
}

console.log(json({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === "") continue;
  console.log(json(run(JSON.parse(line))));
}
