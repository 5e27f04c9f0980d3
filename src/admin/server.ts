// TEMPORARY STUB so the proxy can be integrated. Admin helper: overwrite this file freely.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
export interface AdminOptions {
  current(): { hash: string };
  [k: string]: unknown;
}
export function createAdminServer(o: AdminOptions) {
  const servers: ReturnType<typeof createServer>[] = [];
  return {
    async listen(addr: { host: string; port: number } | { path: string }): Promise<{ address: string; port: number } | { path: string }> {
      const s = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ configuration_hash: o.current().hash }));
      });
      servers.push(s);
      await new Promise<void>((r) => ('path' in addr ? s.listen(addr.path, r) : s.listen(addr.port, addr.host, r)));
      const a = s.address() as AddressInfo;
      return { address: a.address, port: a.port };
    },
    async close() {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
