import { mockServices } from '@backstage/backend-test-utils';
import { createHash } from 'crypto';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { backendReader } from './readBackend';

describe('backendReader', () => {
  let server: Server;
  let body: unknown;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    // As Express answers: a weak ETag of the body, and a 304 for a request
    // that has it, unless the request asks for a full answer (no-cache).
    server = createServer((req, res) => {
      if (req.url === '/api/image-factory/broken') {
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not yet' } }));
        return;
      }
      const text = JSON.stringify(body);
      const etag = `W/"${createHash('sha1').update(text).digest('hex')}"`;
      const asked = req.headers['if-none-match'];
      seen.push(asked);
      if (
        asked === etag &&
        !/no-cache/.test(req.headers['cache-control'] ?? '')
      ) {
        res.writeHead(304, { ETag: etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', ETag: etag });
      res.end(text);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  const reader = () => {
    const { port } = server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}/api/image-factory`;
    return backendReader({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
    });
  };

  it('asks again with the last ETag and gives back the same object on a 304, a new one on new content', async () => {
    const read = reader();
    body = { nodes: [{ id: 'a' }] };
    const first = await read('graph');
    expect(first).toEqual(body);
    const second = await read('graph');
    expect(second).toBe(first);
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toMatch(/^W\/"/);

    body = { nodes: [{ id: 'a' }, { id: 'b' }] };
    const third = await read('graph');
    expect(third).not.toBe(first);
    expect(third).toEqual(body);
  });

  it('throws the error the backend answered, naming its status', async () => {
    await expect(reader()('broken')).rejects.toThrow(/503/);
  });
});
