// The status page and /metrics may listen on another address than the
// reflector's UDP sockets (e.g. loopback only, behind a reverse proxy).
import { equal } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { applyYsfCliOverrides, loadYsfConfig } from "../../lib/ysf/config.ts";
import { defaultYsfConfig } from "../../lib/ysf/config/service_config.ts";
import { YsfService } from "../../lib/ysf/service.ts";

function freePort(hostname: string): number {
  const l = Deno.listen({ hostname, port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("YsfService: http_bind puts the HTTP server on its own address", async () => {
  const config = defaultYsfConfig();
  config.network = { bind: ["127.0.0.1"], port: 0, auxPorts: [] };
  config.httpPort = freePort("127.0.0.2");
  config.httpBind = "127.0.0.2";
  const service = await YsfService.start(config, {
    logger: new Logger({ sink: () => {} }),
  });
  try {
    equal(service.server.sockets[0].hostname, "127.0.0.1");
    equal(service.server.httpAddr?.hostname, "127.0.0.2");
    const res = await fetch(`http://127.0.0.2:${config.httpPort}/healthz`);
    equal(res.status, 200);
    await res.body?.cancel();
    // Not on the UDP address.
    await fetch(`http://127.0.0.1:${config.httpPort}/healthz`).then(
      (r) => {
        r.body?.cancel();
        throw new Error("the HTTP server answered on the UDP address");
      },
      (error) => equal(error instanceof TypeError, true),
    );
  } finally {
    await service.close();
  }
});

Deno.test("ysf config: http_bind from shack.toml and the --http-bind override", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_ysf_http_bind_" });
  try {
    await Deno.writeTextFile(
      `${dir}/with.toml`,
      '[ysf]\nname = "BIND TEST"\nhttp_bind = "127.0.0.1"\n',
    );
    await Deno.writeTextFile(
      `${dir}/without.toml`,
      '[ysf]\nname = "BIND TEST"\n',
    );
    const config = await loadYsfConfig(`${dir}/with.toml`);
    equal(config.httpBind, "127.0.0.1");
    equal((await loadYsfConfig(`${dir}/without.toml`)).httpBind, undefined);
    equal(applyYsfCliOverrides(config, { httpBind: "::1" }).httpBind, "::1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
