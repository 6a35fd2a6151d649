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
  /** `METHOD /path` of every manifest request that reached the proxy. */
  requests: string[];
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
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const manifest = req.url?.includes('/manifests/') ?? false;
    if (manifest) proxy.requests.push(`${req.method} ${req.url}`);
    if (manifest && proxy.tooManyRequests) {
      res.writeHead(429, {
        'Content-Type': 'application/json',
        ...proxy.tooManyRequests,
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
