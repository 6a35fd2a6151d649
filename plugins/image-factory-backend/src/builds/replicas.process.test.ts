import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import express from 'express';
import { AddressInfo } from 'net';
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { Knex } from 'knex';
import { startFleet, TestFleet } from '../__testUtils__/replicas/startFleet';
import { TestReplica } from '../__testUtils__/replicas/startReplica';
import { migrateDatabase } from '../database';
import { buildRoutes } from '../service/buildRoutes';
import { createImageAccess } from '../service/imageAccess';
import { BuildEngine } from './createBuildEngine';

jest.setTimeout(300_000);

const IMAGES = 20;
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'skipped'];

/**
 * Backend replicas as separate processes (each its own build engine and
 * connection pool) on one PostgreSQL database, building on the real dockerd
 * and pushing to the real registry: crashes and restarts lose no run and
 * run none twice.
 */
describe('build queue on three replica processes (PostgreSQL, real dockerd)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let knex: Knex;
  let fleet: TestFleet;
  let queue: BuildEngine;
  const replicas: TestReplica[] = [];

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    await migrateDatabase({ getClient: async () => knex });
    // One image more than the busy queue uses: the live-log test builds one
    // no test built before, so its RUN step cannot come from the cache.
    fleet = await startFleet({ knex, count: IMAGES + 1, sleepSeconds: 3 });
    queue = fleet.queue;
  }, 120_000);

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map(r => r.kill()));
  });

  afterAll(async () => fleet?.stop(), 60_000);

  const replica = async (name: string) => {
    const started = await fleet.replica(name);
    replicas.push(started);
    return started;
  };

  const enqueue = async (from: number, count: number) => {
    const runs: BuildRun[] = [];
    for (const image of fleet.images.slice(from, from + count)) {
      const { run } = await queue.service.start({
        image,
        cause: 'manual',
        requestedBy: 'user:default/jane',
        force: true,
      });
      runs.push(run);
    }
    return runs;
  };

  const until = async <T>(what: string, fn: () => Promise<T | undefined>) => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const value = await fn();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 200));
    }
  };

  const allEnded = (runs: BuildRun[]) =>
    until('every run to end', async () => {
      const now = await Promise.all(runs.map(r => queue.service.get(r.id)));
      return now.every(r => r && TERMINAL.includes(r.status))
        ? (now as BuildRun[])
        : undefined;
    });

  /** Every line of the run's log, with its `seq` 1, 2, 3… without a gap. */
  const logOf = async (runId: string) => {
    const page = await queue.service.logs(runId, 0, 10_000);
    expect(page.done).toBe(true);
    expect(page.items.map(l => l.seq)).toEqual(page.items.map((_, i) => i + 1));
    return page.items.map(l => l.text).join('\n');
  };

  /** Which replicas recorded each run as finished. */
  const finishers = () => {
    const by = new Map<string, string[]>();
    for (const r of replicas) {
      for (const run of r.finished) {
        by.set(run.id, [...(by.get(run.id) ?? []), r.name]);
      }
    }
    return by;
  };

  /**
   * Which replicas recorded each run as finished, once every run is told
   * (a replica says so just after the database has it) and a second more.
   */
  const finishedBy = async (runs: BuildRun[]) => {
    await until('every replica to tell what it finished', async () =>
      runs.every(r => finishers().has(r.id)),
    );
    await new Promise(r => setTimeout(r, 1_000));
    return finishers();
  };

  it('a replica killed mid-build loses no run: another takes the expired lease and finishes it, once', async () => {
    const [a] = [await replica('a'), await replica('b'), await replica('c')];
    const runs = await enqueue(0, 3);
    // Each replica builds one at a time: all three are running, one on `a`.
    const owners = async () =>
      new Map<string, string | null>(
        (
          await knex('build_runs')
            .whereIn(
              'id',
              runs.map(r => r.id),
            )
            .select('id', 'lease_owner')
        ).map(row => [row.id, row.lease_owner]),
      );
    const running = await until('a run building on replica a', async () => {
      const owned = [...(await owners())].find(([, owner]) =>
        owner?.startsWith(`a-${a.pid}`),
      );
      return owned && { id: owned[0] };
    });
    await a.kill();
    // Its lease expires; another replica claims the run for a second attempt.
    await until('another replica to take the run', async () => {
      const run = await queue.service.get(running.id);
      return run && run.attempts === 2 && run.status !== 'queued';
    });
    // The replica comes back, under a new owner: it never resumes the lost run.
    const back = await replica('a');
    const ended = await allEnded(runs);
    expect(ended.map(r => r.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const by = await finishedBy(runs);
    for (const run of runs) expect(by.get(run.id)).toHaveLength(1);
    expect(by.get(running.id)).not.toContain('a');
    expect(back.finished.map(r => r.id)).not.toContain(running.id);
    // The log keeps what the first attempt wrote before the kill, then the
    // second attempt's on another replica, whole and in order.
    const log = await logOf(running.id);
    const attempts = [
      ...log.matchAll(/^Attempt (\d) of run \S+ started on (\w)-/gm),
    ];
    expect(attempts.map(m => m[1]).join(',')).toMatch(/^(1,)?2$/);
    expect(attempts.at(-1)![2]).toMatch(/^[bc]$/);
    expect(log.match(/^Run succeeded: image index sha256:/gm)).toHaveLength(1);
    expect(log.trimEnd().split('\n').at(-1)).toMatch(/^Run succeeded/);
    // One replica said it recovered the lease; nothing else went wrong.
    expect(replicas.flatMap(r => r.problems)).toEqual([
      'warn: Recovered a build run whose lease expired',
    ]);
  });

  it('a rolling restart of every replica during a busy queue of 20 runs loses none and runs none twice, logs complete and in order', async () => {
    const group = [await replica('a'), await replica('b'), await replica('c')];
    const runs = await enqueue(0, IMAGES);
    // Restart each replica in turn, as a deployment does, while runs build.
    for (let i = 0; i < group.length; i++) {
      await new Promise(r => setTimeout(r, 4_000));
      await group[i].stop();
      group[i] = await replica(group[i].name);
    }
    const ended = await allEnded(runs);
    expect(ended.filter(r => r.status !== 'succeeded')).toEqual([]);
    const by = await finishedBy(runs);
    for (const run of runs) expect(by.get(run.id)).toHaveLength(1);
    for (const run of runs) {
      const log = await logOf(run.id);
      expect(log.match(/^Run succeeded: image index sha256:/gm)).toHaveLength(
        1,
      );
      expect(log.trimEnd().split('\n').at(-1)).toMatch(/^Run succeeded/);
    }
    // Stopped replicas gave their runs back: no lease had to expire.
    for (const r of replicas) expect(r.problems).toEqual([]);
  });

  it('streams the live log of a run building on another replica, every line in order, to its end', async () => {
    await replica('a');
    // The test's process serves the portal's log stream; it builds nothing.
    const app = express().use(
      buildRoutes({
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.user('user:default/jane'),
        }),
        access: createImageAccess({ permissions: mockServices.permissions() }),
        builds: queue.service,
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise(r => server.once('listening', r));
    try {
      const [run] = await enqueue(IMAGES, 1);
      const { port } = server.address() as AddressInfo;
      const response = await fetch(
        `http://127.0.0.1:${port}/builds/${run.id}/logs/stream`,
      );
      expect(response.headers.get('content-type')).toMatch(
        /^text\/event-stream/,
      );
      const received: Array<{ event: string; data: any }> = [];
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        const blocks = buffered.split('\n\n');
        buffered = blocks.pop()!;
        for (const block of blocks) {
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            received.push({ event, data: JSON.parse(data) });
          }
        }
      }
      const lines = received.filter(e => e.event === 'log');
      expect(lines.map(e => e.data.seq)).toEqual(lines.map((_, i) => i + 1));
      expect(lines[0].data.text).toMatch(
        new RegExp(`^Attempt 1 of run ${run.id} started on a-\\d+`),
      );
      expect(received.at(-1)).toMatchObject({
        event: 'end',
        data: { status: 'succeeded' },
      });
      // Live: the stream began before the run ended, and lines came while
      // it built (its RUN step sleeps 3 s), before the state said it ended.
      expect(received[0]).toMatchObject({ event: 'run' });
      expect(received[0].data.status).not.toBe('succeeded');
      const ended = received.findIndex(
        e => e.event === 'run' && e.data.status === 'succeeded',
      );
      expect(received.findIndex(e => e.event === 'log')).toBeLessThan(ended);
      expect(lines.at(-1)!.data.text).toMatch(/^Run succeeded/);
    } finally {
      server.close();
    }
  });
});
