// Ports for tests that start a real process on a port they must name
// (a child `shack` process cannot report the OS-assigned one): bind port 0,
// note what the OS gave, close. Another process could take it meanwhile,
// which on loopback in a test run is rare enough.

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export function freeUdpPort(): number {
  const c = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const port = (c.addr as Deno.NetAddr).port;
  c.close();
  return port;
}
