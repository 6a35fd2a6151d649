import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
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
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

const run = promisify(execFile);
jest.setTimeout(180_000);

/**
 * The refinery's index as pip sees it: real wheels built by pip, published
 * through the checks, then installed by Debian's pip into a fresh venv from
 * the backend's `/refinery/simple/`, with a Backstage token as Basic auth.
 */
describe('the refinery index with pip', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let github: GitHubTestServer;
  let dir: string;
  let server: Server;
  let stop: () => Promise<void>;
  let venv: string;
  let index: string;
  const published = new Map<string, { sha256: string; metadata: Buffer }>();

  beforeAll(async () => {
    github = await startGitHubTestServer({ repos: [] });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-index-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      'apiVersion: imagefactory.dev/v1alpha1\nimages: []\n',
    );
    const knex = await databases.init('SQLITE_3');
    const store = path.join(dir, 'store');
    ({ server, stop } = await startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      imageFactory: { refinery: { store: { directory: store } } },
    }));
    const files = WheelFileStore.create({ client: knex });
    const publisher = new WheelPublisher({
      blobs: new DirectoryWheelBlobStore(store),
      files,
    });
    const wheels = await Promise.all([
      buildTestWheel({
        name: 'tiny-refined',
        version: '1.0',
        requiresPython: '>=3.8',
      }),
      buildTestWheel({
        name: 'tiny-refined',
        version: '1.1',
        requiresPython: '>=3.8',
      }),
      buildTestWheel({
        name: 'tiny-refined',
        version: '9.0',
        requiresPython: '<3',
      }),
      buildTestWheel({ name: 'tiny-fast', version: '2.0', extension: true }),
    ]);
    for (const wheel of wheels) {
      const { file, wheel: checked } = await publisher.publish(
        wheel.filename,
        wheel.bytes,
      );
      published.set(file.filename, {
        sha256: file.sha256,
        metadata: checked.metadataFile,
      });
    }
    await files.setYanked('tiny-refined', 'tiny_refined-1.1-py3-none-any.whl', {
      reason: 'imports fail on s390x',
    });

    venv = path.join(dir, 'venv');
    await run(PYTHON, ['-m', 'venv', venv]);
    const { port } = server.address() as AddressInfo;
    const token = encodeURIComponent(mockCredentials.user.token());
    index = `http://token:${token}@127.0.0.1:${port}/api/image-factory/refinery/simple/`;
  });

  afterAll(async () => {
    await stop?.();
    await github?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const pip = (...args: string[]) =>
    run(
      path.join(venv, 'bin/pip'),
      ['--isolated', '--disable-pip-version-check', '--no-cache-dir', ...args],
      { env: pipEnvironment() },
    );
  const python = (code: string) =>
    run(path.join(venv, 'bin/python'), ['-c', code]).then(r => r.stdout.trim());
  const get = (url: string) =>
    request(server)
      .get(`/api/image-factory/refinery${url}`)
      .set('Authorization', mockCredentials.user.header());

  it('installs the newest wheel pip may use: not yanked, requires-python honoured', async () => {
    await pip('install', '--index-url', index, 'tiny-refined', 'tiny-fast');
    expect(
      await python(
        'import tiny_refined, tiny_fast._speed; print(tiny_refined.VERSION, tiny_fast._speed.answer())',
      ),
    ).toBe('1.0 42');
  });

  it('installs a yanked version only when pinned, and pip shows the reason', async () => {
    const { stderr } = await pip(
      'install',
      '--index-url',
      index,
      'tiny-refined==1.1',
    );
    expect(stderr).toContain('imports fail on s390x');
    expect(
      await python('import tiny_refined; print(tiny_refined.VERSION)'),
    ).toBe('1.1');
  });

  it('refuses pip without a token, asking for Basic credentials', async () => {
    const anonymous = index.replace(/token:[^@]+@/, '');
    const failed = await pip(
      'download',
      '-vv',
      '--no-input',
      '--no-deps',
      '-d',
      path.join(dir, 'dl'),
      '--index-url',
      anonymous,
      'tiny-fast',
    ).then(
      () => undefined,
      (e: { stdout: string; stderr: string }) => e,
    );
    // pip says why at -vv (on stdout), and that it found nothing.
    expect(failed?.stdout).toMatch(/401 Client Error: Unauthorized/);
    expect(failed?.stderr).toContain(
      'No matching distribution found for tiny-fast',
    );
    const res = await request(server).get(
      '/api/image-factory/refinery/simple/',
    );
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(
      /^Basic realm="image-factory refinery"/,
    );
    const wrong = await request(server)
      .get('/api/image-factory/refinery/simple/')
      .auth('token', 'not-a-token');
    expect(wrong.status).toBe(401);
  });

  it('answers PEP 691 JSON when asked, with hashes, metadata and yanked state', async () => {
    const res = await get('/simple/tiny-refined/').set(
      'Accept',
      'application/vnd.pypi.simple.v1+json, text/html;q=0.1',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.pypi.simple.v1+json',
    );
    expect(res.headers.vary).toContain('Accept');
    const body = JSON.parse(res.text);
    expect(body.meta).toEqual({ 'api-version': '1.1' });
    expect(body.name).toBe('tiny-refined');
    expect(body.versions.sort()).toEqual(['1.0', '1.1', '9.0']);
    const yanked = body.files.find((f: { filename: string }) =>
      f.filename.includes('-1.1-'),
    );
    const sha = published.get('tiny_refined-1.1-py3-none-any.whl')!;
    expect(yanked).toMatchObject({
      url: `../../files/${sha.sha256}/tiny_refined-1.1-py3-none-any.whl`,
      hashes: { sha256: sha.sha256 },
      'requires-python': '>=3.8',
      'core-metadata': {
        sha256: createHash('sha256').update(sha.metadata).digest('hex'),
      },
      yanked: 'imports fail on s390x',
    });
    expect(new Date(yanked['upload-time']).toISOString()).toBe(
      yanked['upload-time'],
    );
    const list = await get('/simple/').set(
      'Accept',
      'application/vnd.pypi.simple.latest+json',
    );
    expect(JSON.parse(list.text).projects).toEqual([
      { name: 'tiny-fast' },
      { name: 'tiny-refined' },
    ]);
  });

  it('serves PEP 503 HTML by default, and the metadata file of PEP 658', async () => {
    const res = await get('/simple/tiny-fast/');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain(
      '<meta name="pypi:repository-version" content="1.1">',
    );
    const [filename] = [...published.keys()].filter(f =>
      f.startsWith('tiny_fast'),
    );
    const { sha256, metadata } = published.get(filename)!;
    expect(res.text).toContain(
      `href="../../files/${sha256}/${filename}#sha256=${sha256}"`,
    );
    const served = await get(`/files/${sha256}/${filename}.metadata`);
    expect(served.status).toBe(200);
    expect(served.text).toBe(metadata.toString());
    const escaped = await get('/simple/tiny-refined/');
    expect(escaped.text).toContain('data-requires-python="&gt;=3.8"');
    expect(escaped.text).toContain('data-yanked="imports fail on s390x"');
  });

  it('redirects other spellings of a name, refuses formats it does not speak, and 404s unknown files', async () => {
    const redirect = await get('/simple/Tiny_Refined');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(
      '/api/image-factory/refinery/simple/tiny-refined/',
    );
    const root = await get('/simple');
    expect(root.headers.location).toBe('/api/image-factory/refinery/simple/');
    const json = await get('/simple/tiny-fast/').set(
      'Accept',
      'application/json',
    );
    expect(json.status).toBe(406);
    expect((await get('/simple/no-such-project/')).status).toBe(404);
    const [filename] = [...published.keys()];
    expect((await get(`/files/${'0'.repeat(64)}/${filename}`)).status).toBe(
      404,
    );
  });
});
