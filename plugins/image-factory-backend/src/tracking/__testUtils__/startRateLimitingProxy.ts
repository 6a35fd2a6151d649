import { createServer, IncomingMessage, request, ServerResponse } from 'http';
import { AddressInfo } from 'net';

/** A proxy in front of a real registry that adds what it never sends itself. */
export interface RateLimitingProxy {
  /** `127.0.0.1:PORT`, as written in image references. */
  host: string;
  /** Headers added to every manifest response (HEAD and GET). */
  headers: Record<string, string>;
  /** When set, manifest requests are answered 429 with these headers instead. */
  tooManyRequests?: Record<string, string>;
  /**
   * When set, the registry's own limit: manifest requests past this many
   * (since `requests` was last emptied) are answered 429.
   */
  allowance?: number;
  /** `METHOD /path` of every manifest request that reached the proxy. */
  requests: string[];
  /** `METHOD /path` of the manifest requests answered 429. */
  refused: string[];
  stop(): Promise<void>;
}

/**
 * Starts an HTTP proxy to `registryHost` on a free loopback port. The real
 * registry (Debian's docker-registry) sends neither `RateLimit-*` headers
 * nor 429s, so this proxy adds them to manifest responses; everything else
 * passes through unchanged.
 */
export async function startRateLimitingProxy(
  registryHost: string,
): Promise<RateLimitingProxy> {
  const [hostname, port] = registryHost.split(':');
  const proxy: Omit<RateLimitingProxy, 'host' | 'stop'> = {
    headers: {},
    requests: [],
    refused: [],
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const manifest = req.url?.includes('/manifests/') ?? false;
    if (manifest) proxy.requests.push(`${req.method} ${req.url}`);
    const overAllowance =
      proxy.allowance !== undefined && proxy.requests.length > proxy.allowance;
    if (manifest && (proxy.tooManyRequests || overAllowance)) {
      proxy.refused.push(`${req.method} ${req.url}`);
      res.writeHead(429, {
        'Content-Type': 'application/json',
        ...(proxy.tooManyRequests ?? { 'Retry-After': '3600' }),
      });
      res.end(
        JSON.stringify({
          errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }],
        }),
      );
      return;
    }
    const upstream = request(
      {
        hostname,
        port: Number(port),
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: registryHost },
      },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, {
          ...upstreamRes.headers,
          ...(manifest ? proxy.headers : {}),
        });
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return Object.assign(proxy, {
    host: `127.0.0.1:${address.port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  });
}
