/**
 * @jest-environment node
 */
// Node's own fetch streams response bodies as browsers do, so the client reads
// a real SSE stream from a local server here. Node built-ins are off limits in
// frontend code, not in this test.
// eslint-disable-next-line no-restricted-imports
import { AddressInfo } from 'net';
// eslint-disable-next-line no-restricted-imports
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { MockFetchApi, mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  BuildLogLine,
  BuildRun,
} from '@image-factory/plugin-image-factory-common';
import {
  buildRunFixture,
  logLine,
  queuedRunFixture,
} from '../__fixtures__/builds';
import { ImageFactoryClient } from './ImageFactoryClient';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const running = queuedRunFixture({ status: 'running' });
const done = buildRunFixture({ id: running.id });
const lines = [
  logLine(1, 'Queued on local-docker'),
  logLine(2, 'Step 1/4 : FROM nginx', { platform: 'linux/amd64' }),
  logLine(3, 'Step 1/4 : FROM nginx', { platform: 'linux/arm64' }),
  logLine(4, 'Pushed', { platform: 'linux/amd64', stream: 'push' }),
];

function sse(res: ServerResponse) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
  });
  return {
    log: (line: BuildLogLine) =>
      res.write(
        `id: ${line.seq}\nevent: log\ndata: ${JSON.stringify(line)}\n\n`,
      ),
    run: (run: BuildRun) =>
      res.write(`event: run\ndata: ${JSON.stringify(run)}\n\n`),
    end: () => res.end('event: end\ndata: {}\n\n'),
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('ImageFactoryClient.streamBuildLogs', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  const requests: Array<{ url?: string; lastEventId?: string; auth?: string }> =
    [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        url: req.url,
        lastEventId: req.headers['last-event-id'] as string | undefined,
        auth: req.headers.authorization,
      });
      handler(req, res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  });

  beforeEach(() => {
    requests.length = 0;
  });

  const client = () =>
    new ImageFactoryClient({
      discoveryApi: mockApis.discovery({ baseUrl }),
      fetchApi: new MockFetchApi({
        injectIdentityAuth: { token: 'user-token' },
      }),
      logStreamTiming: {
        initialDelayMs: 5,
        maxDelayMs: 20,
        maxReconnects: 2,
        pollIntervalMs: 5,
      },
    });

  /** Follows the run until it ends or fails, collecting what arrives. */
  function follow(after?: number) {
    const got = {
      lines: [] as BuildLogLine[],
      runs: [] as BuildRun[],
      error: undefined as Error | undefined,
      ended: false,
    };
    let stop = () => {};
    const finished = new Promise<void>(resolve => {
      stop = client().streamBuildLogs(running.id, {
        after,
        onLine: line => got.lines.push(line),
        onRun: run => got.runs.push(run),
        onEnd: () => {
          got.ended = true;
          resolve();
        },
        onError: error => {
          got.error = error;
          resolve();
        },
      });
    });
    return { got, finished, stop };
  }

  const streamPath = (after: number) =>
    `/api/image-factory/builds/${running.id}/logs/stream?after=${after}`;

  it('reads log and run events until the end, with the user token', async () => {
    handler = (_req, res) => {
      const stream = sse(res);
      stream.run(running);
      lines.forEach(stream.log);
      stream.run(done);
      stream.end();
    };

    const { got, finished } = follow();
    await finished;
    expect(got).toEqual({
      lines,
      runs: [running, done],
      error: undefined,
      ended: true,
    });
    expect(requests).toEqual([
      { url: streamPath(0), lastEventId: undefined, auth: 'Bearer user-token' },
    ]);
  });

  it('reconnects after a drop with the last line it got', async () => {
    let connections = 0;
    handler = (_req, res) => {
      connections += 1;
      const stream = sse(res);
      if (connections === 1) {
        stream.log(lines[0]);
        stream.log(lines[1]);
        // Half an event, then the connection drops.
        res.write(`id: 3\nevent: log\ndata: {"seq":3,`);
        setTimeout(() => res.destroy(), 20);
      } else if (connections === 2) {
        // A server error once: retried after a backoff.
        res.destroy();
      } else {
        // Repeats a line the client has, as a server may after a restart.
        lines.slice(1).forEach(stream.log);
        stream.run(done);
        stream.end();
      }
    };

    const { got, finished } = follow();
    await finished;
    expect(got.lines).toEqual(lines);
    expect(got.ended).toBe(true);
    expect(requests.map(r => [r.url, r.lastEventId])).toEqual([
      [streamPath(0), undefined],
      [streamPath(2), '2'],
      [streamPath(2), '2'],
    ]);
  });

  it('falls back to polling the log pages when the stream is refused', async () => {
    let polls = 0;
    handler = (req, res) => {
      const url = new URL(req.url!, baseUrl);
      if (url.pathname.endsWith('/stream')) {
        json(res, 404, { error: { name: 'NotFoundError', message: 'nope' } });
      } else if (url.pathname.endsWith('/logs')) {
        polls += 1;
        const after = Number(url.searchParams.get('after'));
        const page = polls === 1 ? lines.slice(0, 2) : lines.slice(2);
        json(res, 200, {
          items: page.filter(l => l.seq > after),
          done: polls > 1,
        });
      } else {
        json(res, 200, polls > 1 ? done : running);
      }
    };

    const { got, finished } = follow(0);
    await finished;
    expect(got.lines).toEqual(lines);
    expect(got.runs).toEqual([running, done]);
    expect(got.ended).toBe(true);
    const base = `/api/image-factory/builds/${running.id}`;
    expect(requests.map(r => r.url)).toEqual([
      streamPath(0),
      `${base}/logs?after=0`,
      base,
      `${base}/logs?after=2`,
      base,
    ]);
  });

  it('polls after too many failed reconnects, and reports an error it cannot get past', async () => {
    handler = (req, res) => {
      if (req.url!.includes('/stream')) {
        res.destroy();
      } else {
        json(res, 403, {
          error: { name: 'NotAllowedError', message: 'Not allowed' },
        });
      }
    };

    const { got, finished } = follow(5);
    await finished;
    expect(got.error).toBeInstanceOf(ResponseError);
    expect((got.error as ResponseError).statusCode).toBe(403);
    expect(got.ended).toBe(false);
    // One connection and two reconnects, then one poll.
    expect(requests.map(r => r.url)).toEqual([
      streamPath(5),
      streamPath(5),
      streamPath(5),
      `/api/image-factory/builds/${running.id}/logs?after=5`,
    ]);
  });

  it('stops reading when unsubscribed', async () => {
    let response: ServerResponse | undefined;
    handler = (_req, res) => {
      response = res;
      sse(res).log(lines[0]);
    };

    const { got, stop } = follow();
    await new Promise<void>(resolve => {
      const check = () =>
        got.lines.length > 0 ? resolve() : setTimeout(check, 5);
      check();
    });
    stop();
    await new Promise<void>(resolve => response!.on('close', resolve));
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(got.lines).toEqual([lines[0]]);
    expect(got.ended).toBe(false);
    expect(requests).toHaveLength(1);
  });
});
