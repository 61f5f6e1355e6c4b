import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { ClientStream } from "../../lib/bridge/stream/client_stream.ts";

Deno.test("ClientStream.finish() delivers the queued chunks, then ends the body", async () => {
  const delivered: number[] = [];
  const client = new ClientStream({ onBytes: (n) => delivered.push(n) });
  client.push(new Uint8Array([1, 2]));
  client.push(new Uint8Array([3]));
  equal(client.queuedBytes, 3);
  client.finish();
  client.push(new Uint8Array([4])); // after finish: ignored
  deepEqual(
    [...new Uint8Array(await new Response(client.body).arrayBuffer())],
    [1, 2, 3],
  );
  deepEqual(delivered, [2, 1]);
  equal(client.queuedBytes, 0);
  equal(client.open, false);
});

Deno.test("ClientStream.push() hands a chunk straight to a waiting reader", async () => {
  const client = new ClientStream();
  const reader = client.body.getReader();
  const pending = reader.read();
  await new Promise((r) => setTimeout(r, 0));
  client.push(new Uint8Array([9]));
  equal(client.queuedBytes, 0);
  deepEqual([...(await pending).value!], [9]);
  await reader.cancel();
});

Deno.test("ClientStream body cancel calls onCancel once and stops accepting chunks", async () => {
  const reasons: unknown[] = [];
  const client = new ClientStream({ onCancel: (r) => reasons.push(r) });
  client.push(new Uint8Array(10));
  const reader = client.body.getReader();
  await reader.read();
  await reader.cancel("client went away");
  deepEqual(reasons, ["client went away"]);
  client.push(new Uint8Array(10));
  equal(client.queuedBytes, 0);
  equal(client.open, false);
  equal(client.dropped, false);
});

Deno.test("ClientStream.push() drops a client that falls behind instead of buffering", async () => {
  let overflows = 0;
  const client = new ClientStream({
    maxQueuedBytes: 1000,
    onOverflow: () => overflows++,
  });
  for (let i = 0; i < 5; i++) client.push(new Uint8Array(188)); // 940 bytes
  equal(client.dropped, false);
  client.push(new Uint8Array(188)); // 1128 > 1000
  equal(client.dropped, true);
  equal(overflows, 1);
  equal(client.queuedBytes, 0);
  client.push(new Uint8Array(188));
  equal(overflows, 1);
  const reader = client.body.getReader();
  await rejects(reader.read(), RangeError);
});

Deno.test("ClientStream.push() also bounds the number of queued chunks", () => {
  let overflows = 0;
  const client = new ClientStream({
    maxQueuedChunks: 3,
    onOverflow: () => overflows++,
  });
  for (let i = 0; i < 4; i++) client.push(new Uint8Array(1));
  equal(overflows, 1);
  ok(client.dropped);
});

Deno.test("ClientStream.abort() cuts the body at once", async () => {
  const client = new ClientStream();
  client.push(new Uint8Array(5));
  client.abort(new Error("Shutting down"));
  await rejects(
    new Response(client.body).arrayBuffer(),
    { message: "Shutting down" },
  );
});

Deno.test("ClientStream() validates its limits", () => {
  throws(() => new ClientStream({ maxQueuedBytes: 0 }), RangeError);
  throws(() => new ClientStream({ maxQueuedChunks: 0 }), RangeError);
});
