import { LoggerService } from '@backstage/backend-plugin-api';
import http from 'http';
import { AddressInfo } from 'net';

/** A logger that drops everything: the code's log lines would drown the numbers. */
export const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};

/** Runs `fn` and returns its result with the milliseconds it took. */
export async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

/** The median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `fn` on every item, `limit` at a time. */
export async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** The peak RSS of the process, sampled every 5 ms, per phase. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  return {
    /** The peak since the last take (or the start); starts a new phase. */
    take() {
      const taken = Math.max(peak, process.memoryUsage().rss);
      peak = process.memoryUsage().rss;
      return taken;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** A proxy in front of the registry that counts the requests it forwards. */
export async function startCountingProxy(target: string) {
  const [targetHost, targetPort] = target.split(':');
  const agent = new http.Agent({ keepAlive: true });
  let counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const kind = url.includes('/manifests/')
      ? 'manifest'
      : url.includes('/blobs/')
      ? 'blob'
      : 'other';
    const key = `${req.method} ${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = http.request(
      {
        host: targetHost,
        port: Number(targetPort),
        method: req.method,
        path: url,
        headers: req.headers,
        agent,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    /** The counts since the last take, by `METHOD kind`; resets them. */
    take() {
      const taken = counts;
      counts = new Map();
      return {
        head: taken.get('HEAD manifest') ?? 0,
        get: taken.get('GET manifest') ?? 0,
        other: [...taken]
          .filter(([k]) => k !== 'HEAD manifest' && k !== 'GET manifest')
          .reduce((sum, [, n]) => sum + n, 0),
      };
    },
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
