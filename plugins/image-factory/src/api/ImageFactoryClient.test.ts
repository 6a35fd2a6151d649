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
import { buildRunFixture, logLine } from '../__fixtures__/builds';
import { enrollmentFixture } from '../__fixtures__/enrollments';
import {
  NODES,
  auditFixture,
  busyboxBaseCascade,
  graphFixture,
  upcomingFixture,
} from '../__fixtures__/rebuilds';
import { statusWithIssues } from '../__fixtures__/status';
import {
  VERSION_DIGESTS,
  comparisonFixture,
  helloWebVersions,
  versionSource,
} from '../__fixtures__/versions';
import { ImageFactoryClient } from './ImageFactoryClient';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('ImageFactoryClient', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  const requests: Array<{ method?: string; url?: string; auth?: string }> = [];
  // The JSON bodies of the requests that had one, with their content type.
  const bodies: Array<{ type?: string; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
      });
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        if (chunks.length > 0) {
          bodies.push({
            type: req.headers['content-type'],
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          });
        }
        handler(req, res);
      });
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
    bodies.length = 0;
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

  describe('change requests', () => {
    const enrollment = enrollmentFixture({
      action: 'enroll',
      imageName: 'hello-api',
    });

    function request(method: string, url: string) {
      return { method, url, auth: 'Bearer user-token' };
    }

    it('enrolls an image with a JSON POST and returns the response', async () => {
      handler = (_req, res) => json(res, 201, { enrollment, reused: false });
      const body = {
        image: {
          name: 'hello-api',
          type: 'external' as const,
          owner: 'group:default/team-web',
          reference: 'docker.io/library/nginx:1.27',
        },
        reason: 'We deploy it',
      };

      await expect(client().enroll(body)).resolves.toEqual({
        enrollment,
        reused: false,
      });
      expect(requests).toEqual([
        request('POST', '/api/image-factory/enrollments'),
      ]);
      expect(bodies).toEqual([{ type: 'application/json', body }]);
    });

    it('lists change requests, optionally in one state', async () => {
      handler = (_req, res) => json(res, 200, { items: [enrollment] });

      await expect(client().listEnrollments()).resolves.toEqual({
        items: [enrollment],
      });
      await client().listEnrollments({ state: 'merged' });
      expect(requests).toEqual([
        request('GET', '/api/image-factory/enrollments'),
        request('GET', '/api/image-factory/enrollments?state=merged'),
      ]);
      expect(bodies).toEqual([]);
    });

    it('gets one change request by id', async () => {
      handler = (_req, res) => json(res, 200, enrollment);

      await expect(client().getEnrollment(enrollment.id)).resolves.toEqual(
        enrollment,
      );
      expect(requests).toEqual([
        request('GET', `/api/image-factory/enrollments/${enrollment.id}`),
      ]);
    });

    it('un-enrolls and changes an image by name', async () => {
      handler = (_req, res) => json(res, 200, { enrollment, reused: true });

      await expect(
        client().unenrollImage('hello-api', { reason: 'Replaced' }),
      ).resolves.toEqual({ enrollment, reused: true });
      await client().unenrollImage('hello-api');
      await client().changeImage('hello-api', {
        changes: { type: 'external', source: null },
      });
      expect(requests).toEqual([
        request('POST', '/api/image-factory/images/hello-api/unenroll'),
        request('POST', '/api/image-factory/images/hello-api/unenroll'),
        request('POST', '/api/image-factory/images/hello-api/changes'),
      ]);
      expect(bodies.map(b => b.body)).toEqual([
        { reason: 'Replaced' },
        {},
        { changes: { type: 'external', source: null } },
      ]);
    });

    it('throws the backend error of a rejected enrollment', async () => {
      handler = (_req, res) =>
        json(res, 409, {
          error: {
            name: 'ConflictError',
            message: "Image 'hello-api' is already enrolled",
          },
          request: { method: 'POST', url: '/api/image-factory/enrollments' },
          response: { statusCode: 409 },
        });

      const error = await client()
        .enroll({
          image: {
            name: 'hello-api',
            type: 'external',
            owner: 'team-web',
            reference: 'nginx',
          },
        })
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.cause.message).toBe("Image 'hello-api' is already enrolled");
    });
  });

  describe('build runs', () => {
    const run = buildRunFixture();
    const request = (method: string, url: string) => ({
      method,
      url,
      auth: 'Bearer user-token',
    });

    it('starts a build, telling a new run (202) from the active one (200)', async () => {
      handler = (_req, res) => json(res, 202, { ...run, status: 'queued' });
      await expect(
        client().startBuild('hello-web', { reason: 'Try it', force: true }),
      ).resolves.toEqual({
        run: { ...run, status: 'queued' },
        alreadyActive: false,
      });
      handler = (_req, res) => json(res, 200, { ...run, status: 'running' });
      await expect(client().startBuild('hello-web')).resolves.toEqual({
        run: { ...run, status: 'running' },
        alreadyActive: true,
      });
      expect(requests).toEqual([
        request('POST', '/api/image-factory/images/hello-web/builds'),
        request('POST', '/api/image-factory/images/hello-web/builds'),
      ]);
      expect(bodies).toEqual([
        {
          type: 'application/json',
          body: { reason: 'Try it', force: true },
        },
        { type: 'application/json', body: {} },
      ]);
    });

    it('throws the backend error of a refused build', async () => {
      handler = (_req, res) =>
        json(res, 403, {
          error: { name: 'NotAllowedError', message: 'Not allowed to build' },
        });
      const error = await client()
        .startBuild('hello-web')
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
    });

    it('lists, gets, reads the log of and cancels runs', async () => {
      handler = (req, res) => {
        if (req.url!.includes('/images/')) {
          json(res, 200, { items: [run] });
        } else if (req.url!.includes('/logs')) {
          json(res, 200, { items: [logLine(3, 'hi')], done: true });
        } else {
          json(res, 200, run);
        }
      };

      await expect(client().listBuilds('hello-web')).resolves.toEqual({
        items: [run],
      });
      await client().listBuilds('hello-web', { limit: 20 });
      await expect(client().getBuild(run.id)).resolves.toEqual(run);
      await expect(
        client().getBuildLogs(run.id, { after: 2 }),
      ).resolves.toEqual({ items: [logLine(3, 'hi')], done: true });
      await client().getBuildLogs(run.id);
      await expect(client().cancelBuild(run.id)).resolves.toEqual(run);
      expect(requests).toEqual([
        request('GET', '/api/image-factory/images/hello-web/builds'),
        request('GET', '/api/image-factory/images/hello-web/builds?limit=20'),
        request('GET', `/api/image-factory/builds/${run.id}`),
        request('GET', `/api/image-factory/builds/${run.id}/logs?after=2`),
        request('GET', `/api/image-factory/builds/${run.id}/logs`),
        request('POST', `/api/image-factory/builds/${run.id}/cancel`),
      ]);
    });
  });

  it('gets the registry request budgets', async () => {
    const budgets = {
      enabled: true,
      countingSince: '2026-11-23T10:00:00.000Z',
      items: [
        {
          host: 'docker.io',
          requestsPerHour: 16,
          burst: 16,
          intervalMs: 86_400_000,
          tokensLeft: 12,
          requestsLastHour: 4,
          requestsLastDay: 4,
          watchedReferences: 3,
        },
      ],
    };
    handler = (_req, res) => json(res, 200, budgets);
    await expect(client().listRegistryBudgets()).resolves.toEqual(budgets);
    expect(requests).toEqual([
      {
        method: 'GET',
        url: '/api/image-factory/tracking/registries',
        auth: 'Bearer user-token',
      },
    ]);
  });

  describe('rebuild planning', () => {
    const request = (method: string, url: string) => ({
      method,
      url,
      auth: 'Bearer user-token',
    });

    it('gets the graph, a cascade, the upcoming rebuilds and an audit trail', async () => {
      const upcoming = { items: [upcomingFixture()] };
      const audit = { items: [auditFixture()] };
      handler = (req, res) => {
        if (req.url!.startsWith('/api/image-factory/graph/cascade')) {
          json(res, 200, busyboxBaseCascade);
        } else if (req.url!.endsWith('/graph')) {
          json(res, 200, graphFixture);
        } else if (req.url!.includes('/rebuilds/upcoming')) {
          json(res, 200, upcoming);
        } else {
          json(res, 200, audit);
        }
      };

      await expect(client().getGraph()).resolves.toEqual(graphFixture);
      await expect(client().getCascade(NODES.busyboxBase)).resolves.toEqual(
        busyboxBaseCascade,
      );
      await expect(client().listUpcomingRebuilds()).resolves.toEqual(upcoming);
      await expect(client().listAudit('hello web')).resolves.toEqual(audit);
      expect(requests).toEqual([
        request('GET', '/api/image-factory/graph'),
        request(
          'GET',
          '/api/image-factory/graph/cascade?node=localhost%3A5000%2Fbase%2Fbusybox%3Astable',
        ),
        request('GET', '/api/image-factory/rebuilds/upcoming'),
        request('GET', '/api/image-factory/images/hello%20web/audit'),
      ]);
    });

    it('posts an emergency rebuild and returns the queued runs', async () => {
      const response = {
        runs: [buildRunFixture({ status: 'queued', cause: 'emergency' })],
        audit: auditFixture(),
      };
      handler = (_req, res) => json(res, 202, response);

      await expect(
        client().emergencyRebuild('hello-web', {
          justification: 'CVE-2026-1234',
          cascade: true,
        }),
      ).resolves.toEqual(response);
      expect(requests).toEqual([
        request(
          'POST',
          '/api/image-factory/images/hello-web/emergency-rebuilds',
        ),
      ]);
      expect(bodies).toEqual([
        {
          type: 'application/json',
          body: { justification: 'CVE-2026-1234', cascade: true },
        },
      ]);
    });

    it('throws the backend error of a refused emergency rebuild', async () => {
      handler = (_req, res) =>
        json(res, 403, {
          error: {
            name: 'NotAllowedError',
            message: 'Needs image-factory.rebuild.emergency',
          },
          response: { statusCode: 403 },
        });
      const error = await client()
        .emergencyRebuild('hello-web', { justification: 'CVE-2026-1234' })
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
      expect(error.body.error.message).toBe(
        'Needs image-factory.rebuild.emergency',
      );
    });
  });
  describe('image versions', () => {
    const request = (method: string, url: string) => ({
      method,
      url,
      auth: 'Bearer user-token',
    });
    const base = '/api/image-factory/images/hello-web/versions';

    it('lists versions, passing only the query fields given', async () => {
      const page = {
        items: helloWebVersions().slice(0, 2),
        nextCursor: 'c2',
        total: 4,
        newestDigest: VERSION_DIGESTS.v130,
        source: versionSource(),
      };
      handler = (_req, res) => json(res, 200, page);

      await expect(client().listImageVersions('hello-web')).resolves.toEqual(
        page,
      );
      await client().listImageVersions('hello-web', {
        cursor: 'c2',
        limit: 25,
        sort: 'date',
        q: '1.2 ',
        hideMachineTags: true,
      });
      await client().listImageVersions('hello-web', {
        q: '',
        hideMachineTags: false,
      });
      expect(requests).toEqual([
        request('GET', base),
        request(
          'GET',
          `${base}?cursor=c2&limit=25&sort=date&q=1.2+&hideMachineTags=true`,
        ),
        request('GET', `${base}?hideMachineTags=false`),
      ]);
    });

    it('gets one version by digest and compares two', async () => {
      const [version] = helloWebVersions();
      const comparison = comparisonFixture();
      handler = (req, res) =>
        json(res, 200, req.url!.includes('/compare') ? comparison : version);

      await expect(
        client().getImageVersion('hello-web', VERSION_DIGESTS.v130),
      ).resolves.toEqual(version);
      await expect(
        client().compareImageVersions(
          'hello-web',
          VERSION_DIGESTS.v120,
          VERSION_DIGESTS.v130,
        ),
      ).resolves.toEqual(comparison);
      expect(requests).toEqual([
        request('GET', `${base}/sha256%3A${VERSION_DIGESTS.v130.slice(7)}`),
        request(
          'GET',
          `${base}/compare?from=sha256%3A${VERSION_DIGESTS.v120.slice(
            7,
          )}&to=sha256%3A${VERSION_DIGESTS.v130.slice(7)}`,
        ),
      ]);
    });

    it('refreshes the list with a POST and returns the source', async () => {
      const source = versionSource({ listedAt: '2026-12-05T07:00:00.000Z' });
      handler = (_req, res) => json(res, 200, source);

      await expect(client().refreshImageVersions('hello web')).resolves.toEqual(
        source,
      );
      expect(requests).toEqual([
        request(
          'POST',
          '/api/image-factory/images/hello%20web/versions/refresh',
        ),
      ]);
    });

    it('throws the 400 that names the bad field', async () => {
      handler = (_req, res) =>
        json(res, 400, {
          error: {
            name: 'InputError',
            message: 'limit: must be from 1 to 100',
          },
          response: { statusCode: 400 },
        });
      const error = await client()
        .listImageVersions('hello-web', { limit: 500 })
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(400);
      expect(error.body.error.message).toBe('limit: must be from 1 to 100');
    });
  });

  describe('lifecycle stages', () => {
    const base = '/api/image-factory/images/hello%20web/stages';
    const digest = `sha256:${'a'.repeat(64)}`;
    const move = {
      id: 'm1',
      stage: 'staging',
      action: 'promote',
      toDigest: digest,
      status: 'done',
      createdAt: '2026-12-05T08:00:00.000Z',
    };

    it('lists the stages and posts a promotion and a rollback', async () => {
      const list = { stages: [{ name: 'dev', tag: 'dev', digest }], moves: [] };
      handler = (req, res) =>
        json(res, 200, req.method === 'GET' ? list : move);

      await expect(client().listImageStages('hello web')).resolves.toEqual(
        list,
      );
      await expect(
        client().promoteImageStage('hello web', 'pre prod', {
          digest,
          reason: 'ok',
        }),
      ).resolves.toEqual(move);
      await client().rollbackImageStage('hello web', 'prod');
      expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
        `GET ${base}`,
        `POST ${base}/pre%20prod/promotions`,
        `POST ${base}/prod/rollback`,
      ]);
      expect(bodies).toEqual([
        { type: 'application/json', body: { digest, reason: 'ok' } },
        { type: 'application/json', body: {} },
      ]);
    });

    it('resolves a 502 carrying the failed move to that move', async () => {
      const failed = {
        ...move,
        status: 'failed',
        error: 'registry answered 503',
      };
      handler = (_req, res) => json(res, 502, failed);

      await expect(
        client().rollbackImageStage('hello web', 'prod', { reason: 'bad' }),
      ).resolves.toEqual(failed);
    });

    it('approves and rejects a waiting move with its reason', async () => {
      handler = (req, res) =>
        json(res, 200, {
          ...move,
          status: req.url!.endsWith('/approve') ? 'pending' : 'rejected',
        });

      await expect(
        client().approveStageMove('hello web', 'pre prod', 'm 1', {
          reason: 'looks good',
        }),
      ).resolves.toMatchObject({ id: 'm1', status: 'pending' });
      await expect(
        client().rejectStageMove('hello web', 'prod', 'm1'),
      ).resolves.toMatchObject({ status: 'rejected' });
      expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
        `POST ${base}/pre%20prod/moves/m%201/approve`,
        `POST ${base}/prod/moves/m1/reject`,
      ]);
      expect(bodies.map(b => b.body)).toEqual([{ reason: 'looks good' }, {}]);
    });

    it("throws the 403 of an approval of one's own promotion", async () => {
      const message =
        "user:default/jane may not approve a promotion of 'prod' they asked for";
      handler = (_req, res) =>
        json(res, 403, {
          error: { name: 'NotAllowedError', message },
          response: { statusCode: 403 },
        });

      const refused = await client()
        .approveStageMove('hello web', 'prod', 'm1')
        .catch(e => e);
      expect(refused).toBeInstanceOf(ResponseError);
      expect(refused.statusCode).toBe(403);
      expect(refused.body.error.message).toBe(message);
    });

    it('gets the lifecycle overview, of one owner when asked', async () => {
      const overview = { items: [], staleAfter: '7d' };
      handler = (_req, res) => json(res, 200, overview);

      await expect(client().getLifecycleOverview()).resolves.toEqual(overview);
      await client().getLifecycleOverview({ owner: 'group:default/web team' });
      expect(requests.map(r => r.url)).toEqual([
        '/api/image-factory/lifecycle',
        '/api/image-factory/lifecycle?owner=group%3Adefault%2Fweb+team',
      ]);
    });

    it('throws the 409 of a stage already moving and a bare 502', async () => {
      handler = (req, res) =>
        req.url!.endsWith('/promotions')
          ? json(res, 409, {
              error: {
                name: 'ConflictError',
                message: "Stage 'prod' is already moving",
              },
              response: { statusCode: 409 },
            })
          : json(res, 502, { error: { name: 'Error', message: 'gateway' } });

      const conflict = await client()
        .promoteImageStage('hello web', 'prod', { digest })
        .catch(e => e);
      expect(conflict).toBeInstanceOf(ResponseError);
      expect(conflict.statusCode).toBe(409);
      expect(conflict.body.error.message).toBe(
        "Stage 'prod' is already moving",
      );
      const gateway = await client()
        .rollbackImageStage('hello web', 'prod')
        .catch(e => e);
      expect(gateway).toBeInstanceOf(ResponseError);
      expect(gateway.statusCode).toBe(502);
    });
  });
});
