/**
 * @jest-environment node
 */
// The node environment gives the client Node's own fetch, so the requests below
// really cross a socket to a local server (jsdom's fetch would apply CORS
// rules). Node built-ins are off limits in frontend code, not in this test.
// eslint-disable-next-line no-restricted-imports
import { AddressInfo } from 'net';
// eslint-disable-next-line no-restricted-imports
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { MockFetchApi, mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { statusWithIssues } from '../__fixtures__/status';
import { ImageFactoryClient } from './ImageFactoryClient';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('ImageFactoryClient', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  const requests: Array<{ method?: string; url?: string; auth?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
      });
      handler(req, res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close(error => (error ? reject(error) : resolve())),
    );
  });

  beforeEach(() => {
    requests.length = 0;
  });

  function client() {
    return new ImageFactoryClient({
      discoveryApi: mockApis.discovery({ baseUrl }),
      fetchApi: new MockFetchApi({
        injectIdentityAuth: { token: 'user-token' },
      }),
    });
  }

  function json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  it('gets the status from the backend with the user token', async () => {
    handler = (_req, res) => json(res, 200, statusWithIssues);

    await expect(client().getStatus()).resolves.toEqual(statusWithIssues);
    expect(requests).toEqual([
      {
        method: 'GET',
        url: '/api/image-factory/status',
        auth: 'Bearer user-token',
      },
    ]);
  });

  it('throws a ResponseError carrying the backend error body', async () => {
    handler = (_req, res) =>
      json(res, 403, {
        error: {
          name: 'NotAllowedError',
          message: 'Not allowed to read the Image Factory status',
        },
        request: { method: 'GET', url: '/api/image-factory/status' },
        response: { statusCode: 403 },
      });

    const error = await client()
      .getStatus()
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error).toEqual({
      name: 'NotAllowedError',
      message: 'Not allowed to read the Image Factory status',
    });
    expect(error.cause).toMatchObject({
      name: 'NotAllowedError',
      message: 'Not allowed to read the Image Factory status',
    });
  });

  it('throws a ResponseError for a non-JSON failure too', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('Bad gateway');
    };

    const error = await client()
      .getStatus()
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
  });
});
