import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { TestDatabases } from '@backstage/backend-test-utils';
import { HumanDuration } from '@backstage/types';
import { DependencyGraphResponse } from '@image-factory/plugin-image-factory-common';
import request from 'supertest';
import {
  EnrollmentBackend,
  jane,
  OWNER,
  pat,
  REPO,
  startEnrollmentBackend,
  stopAndCheckGitHub,
} from './__testUtils__/startEnrollmentBackend';
import { enroll, header, WEB_API } from './__testUtils__/enrollmentRequests';

jest.setTimeout(120_000);

/**
 * Two replicas of the backend plugin on one PostgreSQL database (the real
 * scheduler, so that global tasks run on one of them and local ones on
 * each), against one GitHub test server: a request, a webhook and a
 * scheduled task may each land on either, and both answer alike.
 */
describe('enrollment and graph on two replicas (PostgreSQL)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let a: EnrollmentBackend | undefined;
  let b: EnrollmentBackend | undefined;

  afterEach(async () => {
    // The replica first: the other one stops the GitHub test server.
    await b?.stop();
    await stopAndCheckGitHub(a);
    a = b = undefined;
  });

  const get = (replica: EnrollmentBackend, path: string) =>
    request(replica.server)
      .get(`/api/image-factory${path}`)
      .set('Authorization', header(pat));

  /** Polls until `done` holds for both replicas' answers, or 20 s. */
  async function onBoth<T>(
    probe: (replica: EnrollmentBackend) => Promise<T>,
    done: (value: T) => boolean,
  ): Promise<[T, T]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const values: [T, T] = [await probe(a!), await probe(b!)];
      if (values.every(done) || Date.now() > deadline) return values;
      await new Promise(r => setTimeout(r, 200));
    }
  }

  /** Two replicas on one database, each reading images.yaml on `frequency`. */
  async function startReplicas(
    databaseId: Parameters<typeof databases.init>[0],
    frequency: HumanDuration,
  ) {
    const common = {
      knex: await databases.init(databaseId),
      features: [schedulerServiceFactory],
      imagesSchedule: { frequency, timeout: { seconds: 30 } },
    };
    a = await startEnrollmentBackend(common);
    b = await startEnrollmentBackend({ ...common, replicaOf: a });
  }

  /** Both replicas' image counts, once both serve `count` (or after 20 s). */
  const imageCounts = (count: number) =>
    onBoth(
      async r => (await get(r, '/status')).body.imagesFile?.imageCount,
      served => served === count,
    );

  it.each(databases.eachSupportedId())(
    'each replica reads images.yaml itself, not once for the cluster (%p)',
    async databaseId => {
      // Hourly: a read the cluster shared would leave one replica without
      // the file for an hour.
      await startReplicas(databaseId, { hours: 1 });
      expect(await imageCounts(6)).toEqual([6, 6]);
    },
  );

  it.each(databases.eachSupportedId())(
    'a replica reads the images.yaml another one read after a merge within seconds, not at its next scheduled read (%p)',
    async databaseId => {
      // Hourly: only the replica the webhook reached reads at once.
      await startReplicas(databaseId, { hours: 1 });
      b!.takeWebhook();
      expect(await imageCounts(6)).toEqual([6, 6]);

      const opened = await enroll(a!, jane, { image: WEB_API });
      expect(opened.status).toBe(201);
      await a!.github.mergePullRequest(
        OWNER,
        REPO,
        opened.body.enrollment.pullRequest.number,
      );
      await a!.github.flushWebhooks();
      expect(a!.github.webhookDeliveries()[0].status).toBe(200);

      expect(await imageCounts(7)).toEqual([7, 7]);
    },
  );

  it.each(databases.eachSupportedId())(
    'a merge whose webhook reaches the other replica shows on both, with the bases read by either (%p)',
    async databaseId => {
      await startReplicas(databaseId, { seconds: 1 });
      // GitHub delivers the webhook to the replica that did not open the PR.
      b!.takeWebhook();

      const opened = await enroll(a!, jane, { image: WEB_API });
      expect(opened.status).toBe(201);
      const { id, pullRequest } = opened.body.enrollment;
      // The change request is in the database: the other replica knows it.
      expect((await get(b!, `/enrollments/${id}`)).body.state).toBe('open');

      await a!.github.mergePullRequest(OWNER, REPO, pullRequest.number);
      await a!.github.flushWebhooks();
      const [delivery] = a!.github.webhookDeliveries();
      expect(delivery.status).toBe(200);

      const [stateA, stateB] = await onBoth(
        async r => (await get(r, `/enrollments/${id}`)).body.state,
        state => state === 'merged',
      );
      expect([stateA, stateB]).toEqual(['merged', 'merged']);

      // Both serve the new images.yaml: the example's six images and web-api.
      expect(await imageCounts(7)).toEqual([7, 7]);

      // Whichever replica read web-api's Dockerfile, both know its base.
      const webApi = (graph: DependencyGraphResponse) => ({
        node: graph.nodes.find(n => n.entityRef === 'image:default/web-api'),
        bases: graph.edges
          .filter(e => e.to === 'localhost:5000/apps/web-api:latest')
          .map(e => e.from),
      });
      const graphs = await onBoth(
        async r => webApi((await get(r, '/graph')).body),
        g => Boolean(g.node && !g.node.basesUnknown && g.bases.length > 0),
      );
      expect(graphs[0]).toEqual(graphs[1]);
      expect(graphs[0].bases).toEqual(['localhost:5000/base/busybox:stable']);
    },
  );
});
