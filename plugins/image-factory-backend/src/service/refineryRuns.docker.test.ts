import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import type {
  RefineryRunDetail,
  RefineryWheelSummary,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import Dockerode from 'dockerode';
import request from 'supertest';
import { REFINERY_CONTAINER_LABEL } from '../refinery/build/runBuilderContainer';
import { policyPermissions } from '../__testUtils__/policyPermissions';
import { startSdistIndex } from '../refinery/__testUtils__/startSdistIndex';
import { buildTestSdist } from '../refinery/__testUtils__/buildTestSdist';
import { USES_MARKUPSAFE } from '../refinery/__testUtils__/usesMarkupSafe';
import { AMD64_BUILDER } from '../refinery/__testUtils__/wheelBuilder';
import { startRouteTestBackend } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(600_000);

const WHEEL = 'MarkupSafe-2.1.2-cp311-cp311-linux_x86_64.whl';

/** A project whose build takes five minutes: something to cancel. */
const SLOW_BUILD = {
  name: 'slow-build',
  version: '1.0',
  files: {
    'setup.py': `import time
from setuptools import setup
from setuptools.command.build_py import build_py


class Slow(build_py):
    def run(self):
        time.sleep(300)
        super().run()


setup(name="slow-build", version="1.0", py_modules=["slow_build"], cmdclass={"build_py": Slow})
`,
    'slow_build.py': 'ANSWER = 42\n',
  },
};

describe('refinery runs (real builder, a local upstream index, leased workers)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  let github: GitHubTestServer;
  let index: Awaited<ReturnType<typeof startSdistIndex>>;
  const ada = mockCredentials.user.header('user:default/ada');
  const guest = mockCredentials.user.header('user:default/guest');

  beforeAll(async () => {
    github = await startGitHubTestServer();
    index = await startSdistIndex(
      ['MarkupSafe-2.1.2.tar.gz'],
      [await buildTestSdist(USES_MARKUPSAFE), await buildTestSdist(SLOW_BUILD)],
    );
  });
  afterAll(async () => {
    await github?.stop();
    await index?.stop();
  });

  async function workspace() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-runs-'));
    await fs.writeFile(
      path.join(dir, 'images.yaml'),
      'apiVersion: imagefactory.dev/v1alpha1\nimages: []\n',
    );
    await fs.writeFile(
      path.join(dir, 'wheels.yaml'),
      `apiVersion: imagefactory.dev/v1alpha1
wheelSets:
  - name: web
    owner: team-web
    requirements: [MarkupSafe==2.1.2]
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
    upstream: ${index.url}
  - name: slow
    owner: team-web
    requirements: [slow-build==1.0]
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
    upstream: ${index.url}
  - name: ordered
    owner: team-web
    requirements: [uses-markupsafe==1.0, MarkupSafe==2.1.2]
    targets: [{ python: cp311, platforms: [linux/amd64] }]
    builder: wheel-builder
    upstream: ${index.url}
`,
    );
    return dir;
  }

  const start = (
    knex: Awaited<ReturnType<typeof databases.init>>,
    dir: string,
    workers: Record<string, unknown> = {},
  ) =>
    startRouteTestBackend({
      knex,
      github,
      imagesLocation: path.join(dir, 'images.yaml'),
      // Only ada may start runs; everyone may read.
      features: [
        policyPermissions(
          q =>
            q.permission !== 'image-factory.refinery.run' ||
            q.user === 'user:default/ada',
        ),
      ],
      imageFactory: {
        refinery: {
          store: { directory: path.join(dir, 'store') },
          wheels: { location: path.join(dir, 'wheels.yaml') },
          builders: [{ platform: 'linux/amd64', image: AMD64_BUILDER }],
          workers: { leaseDuration: { seconds: 5 }, ...workers },
        },
      },
    });

  async function until(
    server: Parameters<typeof request>[0],
    runId: string,
    done: (run: RefineryRunDetail) => boolean,
  ): Promise<RefineryRunDetail> {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const res = await request(server)
        .get(`/api/image-factory/refinery/runs/${runId}`)
        .set('Authorization', ada);
      expect(res.status).toBe(200);
      if (done(res.body)) return res.body;
      if (Date.now() > deadline) {
        throw new Error(`Run ${runId} still ${res.body.status}`);
      }
      await new Promise(r => setTimeout(r, 500));
    }
  }

  it.each(databases.eachSupportedId())(
    'plans and builds a set on the queue, streams its log, serves the wheel, and builds nothing the second time, on %p',
    async databaseId => {
      const dir = await workspace();
      const backend = await start(await databases.init(databaseId), dir);
      try {
        const denied = await request(backend.server)
          .post('/api/image-factory/refinery/sets/web/runs')
          .set('Authorization', guest);
        expect(denied.status).toBe(403);
        expect(denied.body.error.message).toBe(
          'Not allowed to run wheel sets (permission image-factory.refinery.run)',
        );
        const unknown = await request(backend.server)
          .post('/api/image-factory/refinery/sets/nope/runs')
          .set('Authorization', ada);
        expect(unknown.status).toBe(404);

        const started = await request(backend.server)
          .post('/api/image-factory/refinery/sets/web/runs')
          .set('Authorization', ada);
        expect(started.status).toBe(202);
        expect(started.body).toMatchObject({
          set: 'web',
          status: 'queued',
          requestedBy: 'user:default/ada',
        });
        const run = await until(
          backend.server,
          started.body.id,
          r => r.status === 'succeeded' || r.status === 'failed',
        );
        expect(run).toMatchObject({
          status: 'succeeded',
          progress: { total: 1, finished: 1, failed: 0, running: 0 },
          failuresByCause: {},
          targets: [
            {
              python: 'cp311',
              platform: 'linux/amd64',
              items: [
                {
                  project: 'markupsafe',
                  version: '2.1.2',
                  action: 'build',
                  buildAfter: [],
                },
              ],
              rounds: [['markupsafe']],
            },
          ],
        });
        expect(run.jobs).toEqual([
          expect.objectContaining({
            project: 'markupsafe',
            version: '2.1.2',
            status: 'built',
            emulated: false,
            files: [WHEEL],
            attempts: [
              expect.objectContaining({
                attempt: 1,
                hints: 'none',
                emulated: false,
              }),
            ],
          }),
        ]);
        const jobId = run.jobs[0].id;

        const planLog = await request(backend.server)
          .get(`/api/image-factory/refinery/runs/${run.id}/logs`)
          .set('Authorization', ada);
        expect(planLog.body.done).toBe(true);
        expect(planLog.body.items.map((l: { text: string }) => l.text)).toEqual(
          expect.arrayContaining([
            'Plan for cp311 linux/amd64: markupsafe 2.1.2 (build)',
            '1 builds planned',
          ]),
        );

        // The log stream of a finished build: the job, every line, the end.
        const stream = await request(backend.server)
          .get(`/api/image-factory/refinery/jobs/${jobId}/logs/stream`)
          .set('Authorization', ada)
          .buffer(true)
          .parse((res, callback) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => callback(null, text));
          });
        expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
        const events = String(stream.body);
        expect(events).toMatch(/^retry: 2000\n\nevent: job\ndata: \{/);
        expect(events).toContain(`Published ${WHEEL}`);
        expect(events).toContain('imported markupsafe._speedups');
        expect(events.trimEnd()).toMatch(
          /event: end\ndata: \{"status":"built"\}$/,
        );

        const wheels = await request(backend.server)
          .get('/api/image-factory/refinery/wheels')
          .set('Authorization', ada);
        const markupsafe: RefineryWheelSummary = wheels.body.items[0];
        expect(markupsafe).toMatchObject({
          project: 'markupsafe',
          versions: ['2.1.2'],
          sets: ['web'],
          owner: 'team-web',
          builders: { 'linux/amd64': AMD64_BUILDER },
          status: 'built',
          files: [
            expect.objectContaining({
              filename: WHEEL,
              architecture: 'x86_64',
            }),
          ],
        });
        const page = await request(backend.server)
          .get('/api/image-factory/refinery/simple/markupsafe/')
          .set('Authorization', ada)
          .set('Accept', 'application/vnd.pypi.simple.v1+json');
        expect(
          page.body.files.map((f: { filename: string }) => f.filename),
        ).toEqual([WHEEL]);

        // Planned again: the wheel exists, nothing is queued.
        const again = await request(backend.server)
          .post('/api/image-factory/refinery/sets/web/runs')
          .set('Authorization', ada);
        const second = await until(
          backend.server,
          again.body.id,
          r => r.status === 'succeeded' || r.status === 'failed',
        );
        expect(second.status).toBe('succeeded');
        expect(second.targets[0].items[0].action).toBe('built');
        expect(second.jobs).toEqual([]);
        // Nothing changed upstream or in the builder: pip is not run again.
        const secondLog = await request(backend.server)
          .get(`/api/image-factory/refinery/runs/${second.id}/logs`)
          .set('Authorization', ada);
        expect(
          secondLog.body.items.map((l: { text: string }) => l.text),
        ).toContain(
          'Resolution of cp311 linux/amd64 reused: the requirements, the builder and the upstream pages of 1 projects are unchanged',
        );

        const runs = await request(backend.server)
          .get('/api/image-factory/refinery/runs?set=web')
          .set('Authorization', ada);
        expect(runs.body.items.map((r: { id: string }) => r.id)).toEqual([
          second.id,
          run.id,
        ]);
        const queue = await request(backend.server)
          .get('/api/image-factory/refinery/queue')
          .set('Authorization', ada);
        expect(queue.body).toEqual({
          queued: 0,
          running: 0,
          waiting: 0,
          planning: 0,
        });
      } finally {
        await backend.stop();
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('cancels a run mid-build: its container stops and the run and build end as cancelled', async () => {
    const dir = await workspace();
    const backend = await start(await databases.init('SQLITE_3'), dir);
    const docker = new Dockerode();
    // This build's containers only: the engine is shared with other tests.
    const containers = () =>
      docker.listContainers({
        all: true,
        filters: {
          label: [`${REFINERY_CONTAINER_LABEL}=build slow_build-1.0.tar.gz`],
        },
      });
    try {
      const started = await request(backend.server)
        .post('/api/image-factory/refinery/sets/slow/runs')
        .set('Authorization', ada);
      const runId: string = started.body.id;
      const running = await until(backend.server, runId, r =>
        r.jobs.some(j => j.status === 'running'),
      );
      const deadline = Date.now() + 60_000;
      while ((await containers()).length === 0 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 250));
      }
      expect(await containers()).toHaveLength(1);

      const cancel = (id: string, who: string) =>
        request(backend.server)
          .post(`/api/image-factory/refinery/runs/${id}/cancel`)
          .set('Authorization', who);
      const refused = await cancel(runId, guest);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        'Not allowed to cancel refinery runs (permission image-factory.refinery.run)',
      );
      expect((await cancel('no-such-run', ada)).status).toBe(404);

      const cancelled = await cancel(runId, ada);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        error: 'Cancelled by user:default/ada',
        jobs: [
          {
            id: running.jobs[0].id,
            status: 'cancelled',
            error: 'Cancelled by user:default/ada',
          },
        ],
      });
      // This backend builds it: the container is stopped at once.
      const gone = Date.now() + 30_000;
      while ((await containers()).length > 0 && Date.now() < gone) {
        await new Promise(r => setTimeout(r, 250));
      }
      expect(await containers()).toEqual([]);
      const log = await request(backend.server)
        .get(`/api/image-factory/refinery/jobs/${running.jobs[0].id}/logs`)
        .set('Authorization', ada);
      expect(log.body.done).toBe(true);
      expect(log.body.items.map((l: { text: string }) => l.text)).toContain(
        'Cancelled by user:default/ada; stopped',
      );

      const again = await cancel(runId, ada);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe(
        `Refinery run ${runId} is cancelled already; only a queued, planning or building run can be cancelled`,
      );
      // The stopped build recorded nothing over the cancellation.
      const after = await request(backend.server)
        .get(`/api/image-factory/refinery/runs/${runId}`)
        .set('Authorization', ada);
      expect(after.body).toMatchObject({
        status: 'cancelled',
        jobs: [{ status: 'cancelled', files: [] }],
      });
    } finally {
      await backend.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('gives a build back when its backend stops, and the next backend builds it once', async () => {
    const dir = await workspace();
    const knex = await databases.init('SQLITE_3');
    const first = await start(knex, dir);
    let runId: string;
    try {
      const started = await request(first.server)
        .post('/api/image-factory/refinery/sets/web/runs')
        .set('Authorization', ada);
      runId = started.body.id;
      await until(first.server, runId, r =>
        r.jobs.some(j => j.status === 'running'),
      );
    } finally {
      // Stopped mid-build: the container is killed, the build goes back to the queue.
      await first.stop();
    }
    const [stopped] = await knex('refinery_jobs').where({ run_id: runId });
    expect(stopped).toMatchObject({ status: 'queued', attempts: 0 });

    const second = await start(knex, dir);
    try {
      const run = await until(
        second.server,
        runId,
        r => r.status === 'succeeded' || r.status === 'failed',
      );
      expect(run.status).toBe('succeeded');
      expect(run.jobs).toEqual([
        expect.objectContaining({ status: 'built', files: [WHEEL] }),
      ]);
      const log = await request(second.server)
        .get(`/api/image-factory/refinery/jobs/${run.jobs[0].id}/logs`)
        .set('Authorization', ada);
      const texts: string[] = log.body.items.map(
        (l: { text: string }) => l.text,
      );
      const stop = texts.indexOf(
        'The backend is stopping; this goes back to the queue',
      );
      const starts = texts.filter(t => /^Building markupsafe/.test(t));
      expect(stop).toBeGreaterThan(0);
      // Both attempts are the first: the stopped one did not count.
      expect(starts).toEqual([
        expect.stringMatching(/\(attempt 1\) on /),
        expect.stringMatching(/\(attempt 1\) on /),
      ]);
      expect(texts.lastIndexOf(starts[1])).toBeGreaterThan(stop);
      expect(
        texts.filter(t => t.startsWith(`Published ${WHEEL}`)),
      ).toHaveLength(1);
      // No container of the stopped build is left behind.
      const left = await new Dockerode().listContainers({
        all: true,
        filters: {
          label: [`${REFINERY_CONTAINER_LABEL}=build MarkupSafe-2.1.2.tar.gz`],
        },
      });
      expect(left).toEqual([]);
    } finally {
      await second.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("builds a build requirement in an earlier round and installs it in the next round's builder, on the queue", async () => {
    const dir = await workspace();
    const backend = await start(await databases.init('SQLITE_3'), dir);
    try {
      const started = await request(backend.server)
        .post('/api/image-factory/refinery/sets/ordered/runs')
        .set('Authorization', ada);
      expect(started.status).toBe(202);
      const run = await until(
        backend.server,
        started.body.id,
        r => r.status === 'succeeded' || r.status === 'failed',
      );
      expect(run.status).toBe('succeeded');
      expect(run.targets[0].rounds).toEqual([
        ['markupsafe'],
        ['uses-markupsafe'],
      ]);
      expect(
        run.jobs.map(j => [j.project, j.round, j.status, j.files]),
      ).toEqual(
        expect.arrayContaining([
          ['markupsafe', 0, 'built', [WHEEL]],
          [
            'uses-markupsafe',
            1,
            'built',
            ['uses_markupsafe-1.0-py3-none-any.whl'],
          ],
        ]),
      );
      const job = run.jobs.find(j => j.project === 'uses-markupsafe')!;
      const log = await request(backend.server)
        .get(`/api/image-factory/refinery/jobs/${job.id}/logs`)
        .set('Authorization', ada);
      expect(
        log.body.items.some((l: { text: string }) =>
          l.text.startsWith(
            `Installing build requirements built in earlier rounds: /in/${WHEEL}`,
          ),
        ),
      ).toBe(true);
    } finally {
      await backend.stop();
    }
  });
});
