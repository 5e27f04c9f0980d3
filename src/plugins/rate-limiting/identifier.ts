import type { Pdk } from '../../pdk/kong.js';

export type LimitBy = 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';

/**
 * Who a request counts against (Kong's get_identifier): the chosen entity, falling back to the client IP when
 * the request has none (no consumer yet, no such header, another path).
 */
export function identifierFor(limitBy: LimitBy, headerName: string | null, path: string | null): (kong: Pdk) => string {
  switch (limitBy) {
    case 'consumer':
      return (kong) => kong.client.get_consumer()?.id ?? kong.client.get_credential()?.id ?? kong.client.get_forwarded_ip();
    case 'credential':
      return (kong) => kong.client.get_credential()?.id ?? kong.client.get_forwarded_ip();
    case 'service':
      return (kong) => kong.router.get_service()?.id ?? kong.client.get_forwarded_ip();
    case 'header':
      return (kong) => (headerName !== null ? kong.request.get_header(headerName) : null) ?? kong.client.get_forwarded_ip();
    case 'path':
      return (kong) => {
        const p = kong.request.get_path();
        return p === path ? p : kong.client.get_forwarded_ip();
      };
    case 'ip':
      return (kong) => kong.client.get_forwarded_ip();
  }
}
