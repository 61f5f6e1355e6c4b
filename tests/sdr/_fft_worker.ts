/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
// Worker of fft_backend_test.ts: plans a 4096-point FFT, transforms a tone on
// bin 7 and replies with the backend and the bin's real part.

import { createFft } from "../../lib/sdr/fft/fft_backend.ts";

self.onmessage = async () => {
  const fft = await createFft(4096);
  for (let n = 0; n < 4096; n++) {
    fft.input[2 * n] = Math.cos((2 * Math.PI * 7 * n) / 4096);
    fft.input[2 * n + 1] = Math.sin((2 * Math.PI * 7 * n) / 4096);
  }
  fft.forward();
  self.postMessage({ backend: fft.backend, re: fft.output[14] });
  fft.dispose();
};
