// HubSpot's official Node.js SDK reading one contact from the mock, timed.
//
// Usage: node node_read.mjs BASE_URL TOKEN COUNT WARMUP
// Prints a JSON list of per-call durations in nanoseconds.

import hubspot from "@hubspot/api-client";

const [baseUrl, token, countText, warmupText] = process.argv.slice(2);
const count = Number.parseInt(countText, 10);
const warmup = Number.parseInt(warmupText, 10);
if (!baseUrl || !token || !(count >= 0) || !(warmup >= 0)) {
  console.error("usage: node node_read.mjs BASE_URL TOKEN COUNT WARMUP");
  process.exit(2);
}

// No limiter and no retries (the client's defaults): each call is one request.
const client = new hubspot.Client({ accessToken: token, basePath: baseUrl });
const contacts = client.crm.contacts.basicApi;
const samples = [];
for (let n = 0; n < warmup + count; n++) {
  const started = process.hrtime.bigint();
  const contact = await contacts.getById("1", ["email", "firstname"]);
  const elapsed = process.hrtime.bigint() - started;
  if (contact.id !== "1") {
    console.error(`unexpected answer: ${JSON.stringify(contact)}`);
    process.exit(1);
  }
  if (n >= warmup) {
    samples.push(Number(elapsed));
  }
}
console.log(JSON.stringify(samples));
