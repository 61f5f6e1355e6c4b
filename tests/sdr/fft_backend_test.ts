import { equal, ok, rejects, throws } from "node:assert/strict";
import {
  createFft,
  type FftBackendName,
  FftBackendUnavailableError,
  type FftKind,
} from "../../lib/sdr/fft/fft_backend.ts";
import {
  loadPffft,
  pffftSupportsSize,
} from "../../lib/sdr/fft/pffft_backend.ts";
import { maxAbs, maxAbsDiff, naiveDft, randomFloats } from "./_signals.ts";

const BACKENDS: FftBackendName[] = ["pffft", "fftjs"];

Deno.test("createFft() defaults to PFFFT when the wasm loads and the size fits", async () => {
  const big = await createFft(131072);
  equal(big.backend, "pffft");
  equal(big.kind, "complex");
  equal(big.input.length, 2 * 131072);
  big.dispose();
  const real = await createFft(4096, { kind: "real" });
  equal(real.backend, "pffft");
  equal(real.input.length, 4096);
  equal(real.output.length, 4098);
  real.dispose();
});

Deno.test("createFft() falls back to fft.js for sizes PFFFT cannot plan", async () => {
  equal(pffftSupportsSize(8, "complex"), false);
  const small = await createFft(8);
  equal(small.backend, "fftjs");
  small.dispose();
  const realSmall = await createFft(16, { kind: "real" });
  equal(realSmall.backend, "fftjs");
  realSmall.dispose();
});

Deno.test("createFft() rejects unsupported sizes, kinds and backends", async () => {
  await rejects(createFft(1), RangeError);
  await rejects(createFft(100), RangeError); // neither backend
  await rejects(createFft(96, { backend: "fftjs" }), RangeError);
  await rejects(createFft(8, { backend: "pffft" }), RangeError);
  await rejects(createFft(112, { backend: "pffft" }), RangeError); // 16·7
  await rejects(
    createFft(64, { kind: "hermitian" as FftKind }),
    TypeError,
  );
  await rejects(
    createFft(64, { backend: "fftw" as FftBackendName }),
    TypeError,
  );
  const fft = await createFft(96); // 2^5·3: PFFFT only
  equal(fft.backend, "pffft");
  fft.dispose();
});

for (const backend of BACKENDS) {
  for (const kind of ["complex", "real"] as const) {
    Deno.test(`createFft() ${backend} ${kind} matches a naive DFT`, async () => {
      for (const size of [32, 64, 256]) {
        const fft = await createFft(size, { kind, backend });
        const x = randomFloats(fft.input.length, size);
        fft.forward(x);
        const reference = naiveDft(x, kind === "real");
        const floats = kind === "real" ? size + 2 : 2 * size;
        const error = maxAbsDiff(fft.output, reference, floats);
        ok(error < 1e-4, `${backend} ${kind} ${size}: error ${error}`);
        if (kind === "real") {
          equal(fft.output[1], 0); // DC is real
          equal(fft.output[size + 1], 0); // Nyquist is real
        }
        fft.dispose();
      }
    });
  }
}

Deno.test("createFft() pffft and fft.js agree within float32 tolerance on random input", async () => {
  for (const kind of ["complex", "real"] as const) {
    for (const size of [64, 4096, 131072]) {
      const pffft = await createFft(size, { kind, backend: "pffft" });
      const fftjs = await createFft(size, { kind, backend: "fftjs" });
      const x = randomFloats(pffft.input.length, 1000 + size);
      const a = new Float32Array(pffft.output.length);
      const b = new Float32Array(fftjs.output.length);
      pffft.forward(x, a);
      fftjs.forward(x, b);
      const relative = maxAbsDiff(a, b) / maxAbs(b);
      ok(relative < 2e-6, `${kind} ${size}: relative error ${relative}`);
      pffft.dispose();
      fftjs.dispose();
    }
  }
});

for (const backend of BACKENDS) {
  Deno.test(`Fft.inverse() ${backend} undoes forward() scaled by N`, async () => {
    const size = 1024;
    const fft = await createFft(size, { backend });
    const x = randomFloats(2 * size, 99);
    const spectrum = new Float32Array(2 * size);
    const back = new Float32Array(2 * size);
    fft.forward(x, spectrum);
    fft.inverse(spectrum, back);
    for (let i = 0; i < back.length; i++) back[i] /= size;
    ok(maxAbsDiff(back, x) < 1e-5);
    // Positive exponent: a single bin k gives e^(+2πi·k·n/N).
    spectrum.fill(0);
    spectrum[2 * 3] = 1;
    fft.inverse(spectrum, back);
    ok(Math.abs(back[2] - Math.cos((2 * Math.PI * 3) / size)) < 1e-6);
    ok(Math.abs(back[3] - Math.sin((2 * Math.PI * 3) / size)) < 1e-6);
    fft.dispose();
  });

  Deno.test(`Fft.forward() ${backend} uses the workspace and checks caller buffers`, async () => {
    const fft = await createFft(64, { backend });
    const x = randomFloats(128, 5);
    fft.input.set(x);
    fft.forward();
    const workspace = fft.output.slice();
    const out = new Float32Array(128);
    fft.forward(x, out);
    equal(maxAbsDiff(workspace, out), 0);
    throws(() => fft.forward(new Float32Array(64)), RangeError);
    throws(() => fft.forward(x, new Float32Array(130)), RangeError);
    fft.dispose();
    fft.dispose(); // idempotent
    throws(() => fft.forward(), TypeError);
  });

  Deno.test(`Fft.inverse() ${backend} refuses a real plan`, async () => {
    const fft = await createFft(64, { kind: "real", backend });
    throws(() => fft.inverse(), TypeError);
    fft.dispose();
  });
}

Deno.test("Fft.input of a PFFFT plan stays usable after the wasm heap grows", async () => {
  const small = await createFft(64, { backend: "pffft" });
  const module = await loadPffft();
  const heapBefore = module.HEAPF32.buffer.byteLength;
  const big = await createFft(2 ** 21, { backend: "pffft" }); // 48 MiB of buffers
  ok(module.HEAPF32.buffer.byteLength > heapBefore, "heap did not grow");
  const x = randomFloats(128, 3);
  small.input.set(x);
  small.forward();
  const reference = naiveDft(x, false);
  ok(maxAbsDiff(small.output, reference) < 1e-4);
  ok(small.input.length === 128 && small.output.length === 128);
  big.dispose();
  small.dispose();
});

Deno.test("FftBackendUnavailableError carries the backend and the cause", () => {
  const cause = new Error("no SIMD");
  const error = new FftBackendUnavailableError("pffft", cause);
  equal(error.name, "FftBackendUnavailableError");
  equal(error.backend, "pffft");
  equal(error.cause, cause);
  ok(error.message.includes("no SIMD"));
});

Deno.test("createFft() falls back to fft.js when the wasm cannot load", async () => {
  // V8 without a JIT has no WebAssembly: the PFFFT load must fail cleanly.
  const dir = await Deno.makeTempDir({ prefix: "shack_fft_fallback_" });
  try {
    const script = `${dir}/fallback.ts`;
    const backend = new URL(
      "../../lib/sdr/fft/fft_backend.ts",
      import.meta.url,
    );
    await Deno.writeTextFile(
      script,
      `import { createFft } from ${JSON.stringify(backend.href)};
const fft = await createFft(4096);
fft.input[0] = 1;
fft.forward();
let error = "";
try { await createFft(4096, { backend: "pffft" }); } catch (e) { error = (e as Error).name; }
console.log(JSON.stringify({ backend: fft.backend, dc: fft.output[0], error }));
`,
    );
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        "--config",
        config,
        "--v8-flags=--jitless",
        script,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    equal(result.code, 0, stderr);
    const report = JSON.parse(new TextDecoder().decode(result.stdout));
    equal(report.backend, "fftjs");
    equal(report.dc, 1);
    equal(report.error, "FftBackendUnavailableError");
    equal(stderr, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createFft() loads PFFFT inside a Worker", async () => {
  const worker = new Worker(new URL("./_fft_worker.ts", import.meta.url), {
    type: "module",
  });
  try {
    const reply = await new Promise<{ backend: string; re: number }>(
      (resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(event.message));
        };
        worker.postMessage("go");
      },
    );
    equal(reply.backend, "pffft");
    ok(Math.abs(reply.re - 4096) < 1e-2, `bin 7 re ${reply.re}`);
  } finally {
    worker.terminate();
  }
});
