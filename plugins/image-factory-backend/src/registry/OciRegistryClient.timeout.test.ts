import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { thrown } from '../__testUtils__/thrown';
import { RegistryTimeoutError } from './errors';
import { OciRegistryClient } from './OciRegistryClient';

/*
 * Registries on loopback that never answer, or stop half-way: every request
 * ends at the client's timeout, naming the registry and the timeout, and a
 * caller's signal ends it sooner.
 */

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A loopback HTTP server whose handler decides whether (and how far) to answer. */
async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse, host: string) => void,
): Promise<{ host: string; requests: string[]; stop: () => Promise<void> }> {
  const requests: string[] = [];
  let host = '';
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res, host);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('OciRegistryClient request timeout', () => {
  let silent: Awaited<ReturnType<typeof startServer>>;
  let halfway: Awaited<ReturnType<typeof startServer>>;
  let tokenSilent: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    // Accepts the connection and never answers.
    silent = await startServer(() => {});
    // Sends the headers of a manifest, then one byte of it, then nothing.
    halfway = await startServer((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
        'Content-Length': '100',
      });
      res.write('{');
    });
    // Asks for a bearer token from itself, and never answers the token request.
    tokenSilent = await startServer((req, res, host) => {
      if (req.url?.startsWith('/token')) return;
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="http://${host}/token",service="test"`,
      });
      res.end();
    });
  });
  afterAll(async () => {
    await Promise.all([silent?.stop(), halfway?.stop(), tokenSilent?.stop()]);
  });

  const ref = (host: string) => ({
    registry: host,
    repository: 'team/app',
    tag: '1',
  });

  it('fails a request the registry never answers after the configured timeout, naming the registry and the timeout', async () => {
    const client = OciRegistryClient.create({ requestTimeoutMs: 300 });
    const started = Date.now();
    const error = await thrown(() => client.headManifest(ref(silent.host)));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(RegistryTimeoutError);
    expect(error).toMatchObject({
      name: 'RegistryTimeoutError',
      transient: true,
      registry: silent.host,
      timeoutMs: 300,
    });
    expect(error.message).toBe(
      `Registry ${silent.host} did not answer HEAD manifest ${silent.host}/team/app:1 within 300 ms (imageFactory.registries.requestTimeout)`,
    );
  });

  it('fails a response that stops half-way after the timeout', async () => {
    const client = OciRegistryClient.create({ requestTimeoutMs: 1_500 });
    const error = await thrown(() => client.getManifest(ref(halfway.host)));
    expect(error).toBeInstanceOf(RegistryTimeoutError);
    expect(error.message).toBe(
      `Registry ${halfway.host} did not answer GET manifest ${halfway.host}/team/app:1 within 1.5 s (imageFactory.registries.requestTimeout)`,
    );
  });

  it('times out a token service that never answers', async () => {
    const client = OciRegistryClient.create({ requestTimeoutMs: 300 });
    const error = await thrown(() =>
      client.blobExists(
        { registry: tokenSilent.host, repository: 'team/app' },
        DIGEST,
      ),
    );
    expect(error).toBeInstanceOf(RegistryTimeoutError);
    expect(error.message).toBe(
      `Registry ${tokenSilent.host} did not answer the token request to ${tokenSilent.host} within 300 ms (imageFactory.registries.requestTimeout)`,
    );
  });

  it("ends at once when the caller's signal aborts, with the caller's reason", async () => {
    const client = OciRegistryClient.create({ requestTimeoutMs: 30_000 });
    const controller = new AbortController();
    const cancelled = new Error('the run was cancelled');
    setTimeout(() => controller.abort(cancelled), 100);
    const started = Date.now();
    const error = await thrown(() =>
      client.getBlob(
        { registry: silent.host, repository: 'team/app' },
        DIGEST,
        {
          signal: controller.signal,
        },
      ),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBe(cancelled);
  });

  it('sends nothing for a signal that is already aborted', async () => {
    const client = OciRegistryClient.create();
    const before = silent.requests.length;
    const error = await thrown(() =>
      client.headManifest(ref(silent.host), {
        signal: AbortSignal.abort(new Error('stopped')),
      }),
    );
    expect(error.message).toBe('stopped');
    expect(silent.requests.length).toBe(before);
  });

  it('refuses a timeout that is not positive', () => {
    expect(() => OciRegistryClient.create({ requestTimeoutMs: 0 })).toThrow(
      'requestTimeoutMs: must be more than 0, got 0',
    );
  });
});
