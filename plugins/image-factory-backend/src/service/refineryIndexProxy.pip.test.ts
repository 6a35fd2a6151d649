import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import express from 'express';
import { Knex } from 'knex';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, Server as HttpServer } from 'node:http';
import { AddressInfo, Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  DirectoryWheelBlobStore,
  WheelFileStore,
  WheelPublisher,
} from '../refinery';
import {
  buildTestWheel,
  pipEnvironment,
  PYTHON,
} from '../refinery/__testUtils__/buildTestWheel';
import { checkWheel } from '../refinery/wheels/checkWheel';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';
import { refineryIndexRoutes } from './refineryIndexRoutes';

const run = promisify(execFile);
jest.setTimeout(180_000);

type UpstreamWheel = {
  project: string;
  filename: string;
  bytes: Buffer;
  sha256: string;
  metadata: Buffer;
};

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * An upstream index on loopback, as PyPI or a mirror: PEP 503 HTML, or PEP
 * 691 JSON to a client asking for it when `json` is on; `down` resets every
 * connection and `status` answers every page with that status.
 */
async function startUpstreamIndex(wheels: UpstreamWheel[]) {
  const state: { json: boolean; down: boolean; status?: number } = {
    json: false,
    down: false,
  };
  const requests: { url: string; accept?: string }[] = [];
  const server: HttpServer = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({ url, accept: req.headers.accept });
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const page = /^\/simple\/([^/]+)\/$/.exec(url);
    if (page) {
      if (state.status) {
        res.writeHead(state.status).end('upstream trouble');
        return;
      }
      const files = wheels.filter(w => w.project === page[1]);
      if (files.length === 0) {
        res.writeHead(404).end('Not Found');
        return;
      }
      if (
        state.json &&
        req.headers.accept?.includes('application/vnd.pypi.simple.v1+json')
      ) {
        res.writeHead(200, {
          'Content-Type': 'application/vnd.pypi.simple.v1+json',
        });
        res.end(
          JSON.stringify({
            meta: { 'api-version': '1.0' },
            name: page[1],
            files: files.map(w => ({
              filename: w.filename,
              url: `../../files/${w.filename}`,
              hashes: { sha256: w.sha256 },
              'requires-python': '>=3.7',
              'core-metadata': { sha256: sha(w.metadata) },
            })),
          }),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!DOCTYPE html><html><body>\n${files
          .map(
            w =>
              `<a href="../../files/${w.filename}#sha256=${
                w.sha256
              }" data-requires-python="&gt;=3.7" data-dist-info-metadata="sha256=${sha(
                w.metadata,
              )}">${w.filename}</a><br/>`,
          )
          .join('\n')}\n</body></html>`,
      );
      return;
    }
    const file = /^\/files\/([^/]+?)(\.metadata)?$/.exec(url);
    const wheel = file && wheels.find(w => w.filename === file[1]);
    if (wheel) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(file[2] ? wheel.metadata : wheel.bytes);
      return;
    }
    res.writeHead(404).end('Not Found');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    state,
    requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/**
 * `imageFactory.refinery.index.upstream` as pip sees it: the refinery's
 * project pages list an upstream index's files beside its own, pip fetches
 * those from the upstream, the refinery's file wins a name both have, and a
 * failing upstream leaves the refinery's files. Without the setting, pip
 * finds only what the refinery built.
 */
describe('the refinery index proxying to an upstream index, with pip', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let dir: string;
  let upstream: Awaited<ReturnType<typeof startUpstreamIndex>>;
  type Backend = {
    server: Server;
    stop: () => Promise<void>;
    index: string;
    knex: Knex;
    store: string;
  };
  let proxied: Backend;
  let plain: Backend;
  let venv: string;
  let upstreamWheel: UpstreamWheel;
  let refined: { filename: string; bytes: Buffer }[];

  const startBackend = async (name: string, indexUpstream?: string) => {
    const knex = await databases.init('SQLITE_3');
    const store = path.join(dir, `store-${name}`);
    const backend = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      imageFactory: {
        refinery: {
          store: { directory: store },
          index: indexUpstream ? { upstream: indexUpstream } : {},
        },
      },
    });
    const publisher = new WheelPublisher({
      blobs: new DirectoryWheelBlobStore(store),
      files: WheelFileStore.create({ client: knex }),
    });
    for (const wheel of refined) {
      await publisher.publish(wheel.filename, wheel.bytes);
    }
    const { port } = backend.server.address() as AddressInfo;
    const token = encodeURIComponent(mockCredentials.user.token());
    return {
      ...backend,
      knex,
      store,
      index: `http://token:${token}@127.0.0.1:${port}/api/image-factory/refinery/simple/`,
    };
  };

  beforeAll(async () => {
    github = await startGitHubTestServer({ repos: [] });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-proxy-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      'apiVersion: imagefactory.dev/v1alpha1\nimages: []\n',
    );
    const [onlyUpstream, bothUpstream, bothRefined, onlyRefined] =
      await Promise.all([
        buildTestWheel({ name: 'tiny-upstream', version: '1.0' }),
        buildTestWheel({
          name: 'tiny-both',
          version: '1.0',
          initSource: 'SOURCE = "upstream"\n',
        }),
        buildTestWheel({
          name: 'tiny-both',
          version: '1.0',
          initSource: 'SOURCE = "refinery"\n',
        }),
        buildTestWheel({ name: 'tiny-local', version: '1.0' }),
      ]);
    const served = await Promise.all(
      [onlyUpstream, bothUpstream].map(async w => {
        const checked = await checkWheel(w.filename, w.bytes);
        return {
          project: checked.project,
          filename: w.filename,
          bytes: w.bytes,
          sha256: checked.sha256,
          metadata: checked.metadataFile,
        };
      }),
    );
    upstreamWheel = served[0];
    upstream = await startUpstreamIndex(served);
    refined = [bothRefined, onlyRefined];
    proxied = await startBackend('proxied', upstream.url);
    plain = await startBackend('plain');
    venv = path.join(dir, 'venv');
    await run(PYTHON, ['-m', 'venv', venv]);
  });

  afterAll(async () => {
    await proxied?.stop();
    await plain?.stop();
    await upstream?.stop();
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    upstream.state.json = false;
    upstream.state.down = false;
    upstream.state.status = undefined;
    upstream.requests.length = 0;
  });

  const pip = (...args: string[]) =>
    run(
      path.join(venv, 'bin/pip'),
      ['--isolated', '--disable-pip-version-check', '--no-cache-dir', ...args],
      { env: pipEnvironment() },
    );
  const python = (code: string) =>
    run(path.join(venv, 'bin/python'), ['-c', code]).then(r => r.stdout.trim());
  const get = (server: Server, url: string) =>
    request(server)
      .get(`/api/image-factory/refinery${url}`)
      .set('Authorization', mockCredentials.user.header());

  it("installs what only the upstream has from the upstream, and the refinery's file of a name both have", async () => {
    await pip(
      'install',
      '--only-binary',
      ':all:',
      '--no-deps',
      '--index-url',
      proxied.index,
      'tiny-upstream',
      'tiny-both',
      'tiny-local',
    );
    expect(
      await python(
        'import tiny_upstream, tiny_both, tiny_local; print(tiny_upstream.VERSION, tiny_both.SOURCE, tiny_local.VERSION)',
      ),
    ).toBe('1.0 refinery 1.0');
    const urls = upstream.requests.map(r => r.url);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/simple/tiny-upstream/',
        '/simple/tiny-both/',
        '/simple/tiny-local/',
        `/files/${upstreamWheel.filename}`,
      ]),
    );
    expect(urls.filter(u => u.startsWith('/files/tiny_both'))).toEqual([]);

    const page = await get(proxied.server, '/simple/tiny-upstream/');
    expect(page.text).toContain(
      `<a href="${upstream.url.replace(/simple\/$/, '')}files/${
        upstreamWheel.filename
      }#sha256=${
        upstreamWheel.sha256
      }" data-requires-python="&gt;=3.7" data-core-metadata="sha256=${sha(
        upstreamWheel.metadata,
      )}">`,
    );
  });

  it('reads a PEP 691 JSON upstream, and pip downloads the file it lists', async () => {
    upstream.state.json = true;
    const dl = path.join(dir, 'dl-json');
    await pip(
      'download',
      '--only-binary',
      ':all:',
      '--no-deps',
      '-d',
      dl,
      '--index-url',
      proxied.index,
      'tiny-upstream',
    );
    const bytes = await fs.readFile(path.join(dl, upstreamWheel.filename));
    expect(sha(bytes)).toBe(upstreamWheel.sha256);
    expect(upstream.requests[0].accept).toMatch(
      /^application\/vnd\.pypi\.simple\.v1\+json/,
    );
    const json = await get(proxied.server, '/simple/tiny-upstream/').set(
      'Accept',
      'application/vnd.pypi.simple.v1+json',
    );
    expect(JSON.parse(json.text)).toEqual({
      meta: { 'api-version': '1.0' },
      name: 'tiny-upstream',
      versions: ['1.0'],
      files: [
        {
          filename: upstreamWheel.filename,
          url: `${upstream.url.replace(/simple\/$/, '')}files/${
            upstreamWheel.filename
          }`,
          hashes: { sha256: upstreamWheel.sha256 },
          'requires-python': '>=3.7',
          'core-metadata': { sha256: sha(upstreamWheel.metadata) },
          yanked: false,
        },
      ],
    });
  });

  it('finds nothing beyond its own wheels without an upstream configured', async () => {
    const failed = await pip(
      'download',
      '--only-binary',
      ':all:',
      '--no-deps',
      '-d',
      path.join(dir, 'dl-plain'),
      '--index-url',
      plain.index,
      'tiny-upstream',
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain(
      'No matching distribution found for tiny-upstream',
    );
    expect(upstream.requests).toEqual([]);
    expect((await get(plain.server, '/simple/tiny-upstream/')).status).toBe(
      404,
    );
  });

  it('keeps the project list its own: the upstream is not asked for the root', async () => {
    const list = await get(proxied.server, '/simple/').set(
      'Accept',
      'application/vnd.pypi.simple.v1+json',
    );
    expect(JSON.parse(list.text).projects).toEqual([
      { name: 'tiny-both' },
      { name: 'tiny-local' },
    ]);
    expect(upstream.requests).toEqual([]);
  });

  it('serves its own files when the upstream has no such project, is down or fails, and 404s what it lacks', async () => {
    const local = await get(proxied.server, '/simple/tiny-local/');
    expect(local.status).toBe(200);
    expect(upstream.requests.map(r => r.url)).toEqual(['/simple/tiny-local/']);

    for (const trouble of [{ down: true }, { status: 503 }, { status: 401 }]) {
      Object.assign(upstream.state, trouble);
      const both = await get(proxied.server, '/simple/tiny-both/');
      expect(both.status).toBe(200);
      expect(both.text).toContain('href="../../files/');
      expect(both.text).not.toContain('127.0.0.1');
      const gone = await get(proxied.server, '/simple/tiny-upstream/');
      expect(gone.status).toBe(404);
      expect(JSON.parse(gone.text).error.message).toBe(
        'Neither the refinery nor its upstream has files of tiny-upstream',
      );
    }

    upstream.state.down = true;
    upstream.state.status = undefined;
    await pip(
      'install',
      '--force-reinstall',
      '--only-binary',
      ':all:',
      '--no-deps',
      '--index-url',
      proxied.index,
      'tiny-both',
    );
    expect(await python('import tiny_both; print(tiny_both.SOURCE)')).toBe(
      'refinery',
    );
  });

  it('answers with its own files and a warning when nothing listens at the upstream', async () => {
    const dead = createServer();
    await new Promise<void>(resolve => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise(resolve => dead.close(resolve));
    const logger = mockServices.logger.mock();
    const app = express()
      .use(
        refineryIndexRoutes({
          auth: mockServices.auth(),
          httpAuth: mockServices.httpAuth({
            defaultCredentials: mockCredentials.none(),
          }),
          logger,
          files: WheelFileStore.create({ client: plain.knex }),
          blobs: new DirectoryWheelBlobStore(plain.store),
          publicIndex: true,
          indexUpstream: `http://127.0.0.1:${port}/simple/`,
        }),
      )
      .use(mockErrorHandler());
    const page = await request(app).get('/refinery/simple/tiny-local/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('tiny_local-1.0-py3-none-any.whl');
    expect(logger.warn).toHaveBeenCalledWith(
      'The refinery index could not read its upstream; the page lists the refinery files only',
      expect.objectContaining({
        project: 'tiny-local',
        upstream: `http://127.0.0.1:${port}/simple/`,
        error: expect.stringMatching(/fetch failed.*ECONNREFUSED/),
      }),
    );
    expect(
      (await request(app).get('/refinery/simple/tiny-upstream/')).status,
    ).toBe(404);
  });
});
