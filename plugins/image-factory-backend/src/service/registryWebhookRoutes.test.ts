import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { imageFactoryPlugin } from '../plugin';
import { OciRegistryClient } from '../registry';
import { pushPlatformManifest } from '../tracking/__testUtils__/pushImages';

jest.setTimeout(60_000);

const TOKEN = 'registry-notify-token';

/**
 * Forwards the registry's notifications to the backend, which starts after the
 * registry (the registry's config names the receiver; the backend's images.yaml
 * names the registry).
 */
async function startForwarder() {
  let target: string | undefined;
  const server: Server = createServer((req, res) => {
    if (!target) {
      res.writeHead(503).end();
      return;
    }
    const url = new URL(req.url ?? '/', target);
    const out = httpRequest(
      url,
      { method: req.method, headers: req.headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/image-factory/webhooks/registry`,
    setTarget(origin: string) {
      target = origin;
    },
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

describe('registry push notifications', () => {
  let registry: TestRegistry;
  let forwarder: Awaited<ReturnType<typeof startForwarder>>;
  let dir: string;

  beforeAll(async () => {
    forwarder = await startForwarder();
    registry = await startTestRegistry({
      notifications: { url: forwarder.url, token: TOKEN },
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-webhook-'));
  });
  afterAll(async () => {
    await registry?.stop();
    await forwarder?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('checks a watched reference at once when the registry reports a push', async () => {
    const client = OciRegistryClient.create({});
    const repo = { registry: registry.host, repository: 'base/alpine' };
    const platform = { os: 'linux', architecture: 'amd64' };
    const first = await pushPlatformManifest(client, repo, platform, 'r1', '3');

    const location = path.join(dir, 'images.yaml');
    await fs.writeFile(
      location,
      [
        'images:',
        '  - name: alpine',
        '    type: external',
        '    owner: platform-team',
        `    reference: ${registry.host}/base/alpine:3`,
        '',
      ].join('\n'),
    );
    const { server } = await startTestBackend({
      features: [
        imageFactoryPlugin,
        mockServices.rootConfig.factory({
          data: {
            imageFactory: {
              images: { location },
              // Polling alone would look again only tomorrow.
              tracking: { interval: '24h', notificationsToken: TOKEN },
            },
          },
        }),
      ],
    });
    forwarder.setTarget(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    const digestNow = async () => {
      const res = await request(server)
        .get('/api/image-factory/status')
        .set('Authorization', mockCredentials.user.header());
      return res.body.tracking?.references?.[0]?.digest as string | undefined;
    };
    const waitForDigest = async (digest: string) => {
      for (let i = 0; i < 150; i++) {
        if ((await digestNow()) === digest) return;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`digest never became ${digest}; is ${await digestNow()}`);
    };
    await waitForDigest(first.digest);
    const versionsNow = async () => {
      const res = await request(server)
        .get('/api/image-factory/images/alpine/versions')
        .set('Authorization', mockCredentials.user.header());
      return (res.body.items as Array<{ digest: string }>).map(v => v.digest);
    };
    expect(await versionsNow()).toEqual([first.digest]);

    // A new push of the tag: the registry notifies, the factory checks at once.
    const second = await pushPlatformManifest(
      client,
      repo,
      platform,
      'r2',
      '3',
    );
    expect(second.digest).not.toBe(first.digest);
    await waitForDigest(second.digest);
    // The Versions tab lists the repository again at once, not after its cache time.
    for (let i = 0; i < 100; i++) {
      if ((await versionsNow())[0] === second.digest) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(await versionsNow()).toEqual([second.digest]);

    // Refused without the token or without the envelope; nothing changes.
    const forged = await request(server)
      .post('/api/image-factory/webhooks/registry')
      .set('Authorization', 'Bearer wrong')
      .send({ events: [] });
    expect(forged.status).toBe(401);
    const malformed = await request(server)
      .post('/api/image-factory/webhooks/registry')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send({ event: {} });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/^events: must be a list/);
    const other = await request(server)
      .post('/api/image-factory/webhooks/registry')
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Content-Type', 'application/vnd.docker.distribution.events.v1+json')
      .send(
        JSON.stringify({
          events: [
            {
              action: 'push',
              target: { repository: 'base/unwatched', tag: '1' },
              request: { host: registry.host },
            },
            { action: 'pull', target: { repository: 'base/alpine', tag: '3' } },
          ],
        }),
      );
    expect(other.status).toBe(202);
    expect(other.body).toEqual({ due: [] });
  });
});
