import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { SampleSourceError } from "../../lib/sdr/sources/source.ts";
import {
  type SourceReader,
  StdinSource,
} from "../../lib/sdr/sources/stdin_source.ts";

const DENO = Deno.execPath();
const STDIN_SOURCE = new URL(
  "../../lib/sdr/sources/stdin_source.ts",
  import.meta.url,
).href;

const IQ_U8 = {
  format: "u8",
  signal: "iq",
  sps: 2_048_000,
  frequency: 100_000_000,
} as const;

/** Bytes i·7 mod 251. */
function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7) % 251;
  return out;
}

/** FNV-1a over bytes, as the child scripts compute it. */
function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) {
    hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A child `deno eval` that reads its real stdin through StdinSource and
 * prints one JSON line: bytes, hash, end reason and message, how long 10 000
 * reads after the end took, and `extra` fields from `after`.
 */
function readerScript(
  options: { abortAfterFirstChunkMs?: number } = {},
): string {
  return `
import { StdinSource } from ${JSON.stringify(STDIN_SOURCE)};
const controller = new AbortController();
const source = new StdinSource({ format: "u8", signal: "iq", sps: 2048000, frequency: 0 });
await source.start(controller.signal);
const buf = new Uint8Array(65536);
let total = 0;
let hash = 0x811c9dc5;
let abortedAt = 0;
for (let n; (n = await source.read(buf)) !== null;) {
  for (let i = 0; i < n; i++) hash = Math.imul(hash ^ buf[i], 0x01000193) >>> 0;
  total += n;
  ${
    options.abortAfterFirstChunkMs === undefined ? "" : `
  if (abortedAt === 0) setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, ${options.abortAfterFirstChunkMs});`
  }
}
const endedAfterAbortMs = abortedAt === 0 ? 0 : performance.now() - abortedAt;
const t0 = performance.now();
for (let i = 0; i < 10000; i++) {
  if ((await source.read(buf)) !== null) throw new Error("read after the end");
}
console.log(JSON.stringify({
  total, hash, reason: source.ended.reason, message: source.ended.message,
  afterEndMs: performance.now() - t0, endedAfterAbortMs,
}));
`;
}

interface ReaderReport {
  total: number;
  hash: number;
  reason: string;
  message: string;
  afterEndMs: number;
  endedAfterAbortMs: number;
}

function parseReport(output: Deno.CommandOutput): ReaderReport {
  const stdout = new TextDecoder().decode(output.stdout).trim();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  ok(output.success, `child failed: ${stderr}`);
  return JSON.parse(stdout.split("\n").at(-1)!);
}

Deno.test("StdinSource reads a real stdin pipe (cat file | deno) intact to its end", async () => {
  const bytes = pattern(3_000_000);
  const path = await Deno.makeTempFile({ prefix: "shack_stdin_" });
  try {
    await Deno.writeFile(path, bytes);
    const output = await new Deno.Command("sh", {
      args: [
        "-c",
        'cat "$2" | "$0" eval --no-config "$1"',
        DENO,
        readerScript(),
        path,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = parseReport(output);
    equal(report.total, bytes.length);
    equal(report.hash, fnv1a(bytes));
    equal(report.reason, "eof");
    equal(report.message, "End of stdin after 3000000 bytes");
    // After the end, reads return at once: no spinning, no waiting.
    ok(report.afterEndMs < 2000, `${report.afterEndMs} ms for 10 000 reads`);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("StdinSource reads `head -c N /dev/zero | deno` and ends when head exits", async () => {
  const output = await new Deno.Command("sh", {
    args: [
      "-c",
      'head -c 1000000 /dev/zero | "$0" eval --no-config "$1"',
      DENO,
      readerScript(),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const report = parseReport(output);
  equal(report.total, 1_000_000);
  equal(report.hash, fnv1a(new Uint8Array(1_000_000)));
  equal(report.reason, "eof");
});

Deno.test("StdinSource ends with eof on an empty stdin (/dev/null)", async () => {
  const output = await new Deno.Command(DENO, {
    args: ["eval", "--no-config", readerScript()],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const report = parseReport(output);
  equal(report.total, 0);
  equal(report.reason, "eof");
  equal(report.message, "End of stdin after 0 bytes");
});

Deno.test("StdinSource stops at once on abort while the writer keeps stdin open", async () => {
  const child = new Deno.Command(DENO, {
    args: ["eval", "--no-config", readerScript({ abortAfterFirstChunkMs: 50 })],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(pattern(1000));
  // The writer stays open: only the abort can end the child's read.
  const output = await child.output();
  await writer.close().catch(() => {});
  const report = parseReport(output);
  equal(report.total, 1000);
  equal(report.reason, "aborted");
  ok(report.endedAfterAbortMs < 1000, `${report.endedAfterAbortMs} ms`);
});

Deno.test("StdinSource reads a child process's stdout stream intact, in small reads", async () => {
  const script = `
const out = new Uint8Array(250000);
for (let i = 0; i < out.length; i++) out[i] = (i * 7) % 251;
for (let i = 0; i < out.length;) {
  const n = Math.min(out.length - i, 1 + ((i * 31) % 20000));
  await Deno.stdout.write(out.subarray(i, i + n));
  i += n;
}
`;
  const child = new Deno.Command(DENO, {
    args: ["eval", "--no-config", script],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const source = new StdinSource({
    ...IQ_U8,
    input: child.stdout,
    name: "child",
  });
  await source.start(new AbortController().signal);
  const received = new Uint8Array(250_000);
  const buf = new Uint8Array(777);
  let total = 0;
  for (let n; (n = await source.read(buf)) !== null;) {
    received.set(buf.subarray(0, n), total);
    total += n;
  }
  equal(total, 250_000);
  deepEqual(received, pattern(250_000));
  equal(source.ended?.reason, "eof");
  equal(source.ended?.message, "End of child after 250000 bytes");
  equal((await child.status).success, true);
});

Deno.test("StdinSource ends cleanly when the writing process is killed", async () => {
  const child = new Deno.Command("sh", {
    args: ["-c", "head -c 100000 /dev/zero; exec sleep 30"],
    stdout: "piped",
  }).spawn();
  const source = new StdinSource({
    ...IQ_U8,
    input: child.stdout,
    name: "rtl_sdr",
  });
  await source.start(new AbortController().signal);
  const buf = new Uint8Array(65536);
  let total = 0;
  while (total < 100_000) {
    const n = await source.read(buf);
    ok(n !== null);
    total += n;
  }
  const pending = source.read(buf);
  child.kill("SIGKILL");
  const killedAt = performance.now();
  equal(await pending, null);
  ok(performance.now() - killedAt < 2000);
  equal(source.ended?.reason, "eof");
  equal(source.ended?.message, "End of rtl_sdr after 100000 bytes");
  await child.status;
});

Deno.test("StdinSource cancels a pending read of a silent stream on abort", async () => {
  const child = new Deno.Command("sleep", { args: ["30"], stdout: "piped" })
    .spawn();
  const controller = new AbortController();
  const source = new StdinSource({ ...IQ_U8, input: child.stdout });
  await source.start(controller.signal);
  const pending = source.read(new Uint8Array(1024));
  setTimeout(() => controller.abort(), 20);
  const started = performance.now();
  equal(await pending, null);
  ok(performance.now() - started < 1000);
  equal(source.ended?.reason, "aborted");
  child.kill("SIGKILL");
  await child.status;
});

/** A reader that counts its calls and answers with `answer()`. */
function countingReader(answer: (call: number) => Promise<number | null>) {
  const reader = {
    calls: 0,
    closed: 0,
    read(_p: Uint8Array) {
      return answer(++reader.calls);
    },
    close() {
      reader.closed++;
    },
  };
  return reader satisfies SourceReader;
}

Deno.test("StdinSource never touches its input again after the end", async () => {
  const reader = countingReader((call) =>
    Promise.resolve(call === 1 ? 5 : null)
  );
  const source = new StdinSource({ ...IQ_U8, input: reader });
  await source.start(new AbortController().signal);
  const buf = new Uint8Array(16);
  equal(await source.read(buf), 5);
  for (let i = 0; i < 10_000; i++) equal(await source.read(buf), null);
  equal(reader.calls, 2);
  equal(reader.closed, 1);
});

Deno.test("StdinSource gives up on an input that keeps returning 0 bytes", async () => {
  const reader = countingReader(() => Promise.resolve(0));
  const source = new StdinSource({ ...IQ_U8, input: reader });
  await source.start(new AbortController().signal);
  equal(await source.read(new Uint8Array(16)), null);
  equal(source.ended?.reason, "error");
  ok(reader.calls <= 64, `${reader.calls} calls`);
});

Deno.test("StdinSource treats a broken pipe as the end of input and other errors as errors", async () => {
  const broken = new StdinSource({
    ...IQ_U8,
    input: countingReader(() =>
      Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)"))
    ),
  });
  await broken.start(new AbortController().signal);
  equal(await broken.read(new Uint8Array(16)), null);
  equal(broken.ended?.reason, "eof");
  ok(broken.ended?.error instanceof Deno.errors.BrokenPipe);
  ok(broken.ended?.message.includes("Input closed on stdin after 0 bytes"));
  const failing = new StdinSource({
    ...IQ_U8,
    input: countingReader(() =>
      Promise.reject(new Deno.errors.PermissionDenied("no"))
    ),
  });
  await failing.start(new AbortController().signal);
  equal(await failing.read(new Uint8Array(16)), null);
  equal(failing.ended?.reason, "error");
});

Deno.test("StdinSource enforces its lifecycle", async () => {
  let release: (n: number) => void = () => {};
  const reader = countingReader(() =>
    new Promise((resolve) => (release = resolve))
  );
  const source = new StdinSource({ ...IQ_U8, input: reader });
  await rejects(() => source.read(new Uint8Array(4)), TypeError);
  await source.start(new AbortController().signal);
  await rejects(() => source.start(new AbortController().signal), TypeError);
  await rejects(() => source.read(new Uint8Array(0)), TypeError);
  const first = source.read(new Uint8Array(4));
  await rejects(() => source.read(new Uint8Array(4)), TypeError);
  release(4);
  equal(await first, 4);
  source.close();
  equal(source.ended?.reason, "closed");
  equal(reader.closed, 1);
  const stream = new ReadableStream<Uint8Array>();
  stream.getReader();
  const locked = new StdinSource({ ...IQ_U8, input: stream });
  await rejects(
    () => locked.start(new AbortController().signal),
    SampleSourceError,
  );
});
