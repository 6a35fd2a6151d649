/*
 * yarn bench:replicas — the figures of the backend README's table "N = 1, 2,
 * 3 replicas", in one run, on one PostgreSQL 15 (a fresh database per N), the
 * real dockerd and a real registry:
 *   1. throughput: N replica processes (each its own build engine, two
 *      executor entries on the local dockerd, 2 concurrent runs) drain a queue
 *      of 12 runs whose build sleeps 2 s; runs completed per minute.
 *   2. takeover: one replica is killed (SIGKILL) while it builds; the seconds
 *      until another replica (for N = 1: the same one, restarted) claims the
 *      run again, and the takeovers counted (runs with a second attempt).
 *   3. registry budget: N replicas each ask one registry (through a counting
 *      proxy) as fast as their budget lets them for 20 s, with a budget of
 *      3,600 requests per hour and a burst of 2, so at most 22 in the window;
 *      the requests that reached the registry, with the shared budget in the
 *      database and, as the peer, with each replica's own budget in memory
 *      (what every replica had before).
 * Needs PostgreSQL at BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
 * (./scripts/test starts one on 127.0.0.1:55432), dockerd and docker-registry.
 */
import { BuildRun } from '@image-factory/plugin-image-factory-common';
import { randomBytes } from 'crypto';
import knexFactory, { Knex } from 'knex';
import { startFleet } from '../plugins/image-factory-backend/src/__testUtils__/replicas/startFleet';
import { TestReplica } from '../plugins/image-factory-backend/src/__testUtils__/replicas/startReplica';
import { startTestRegistry } from '../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import {
  DatabaseRegistryBudgetStore,
  migrateDatabase,
} from '../plugins/image-factory-backend/src/database';
import { OciRegistryClient } from '../plugins/image-factory-backend/src/registry';
import { RegistryBudgets } from '../plugins/image-factory-backend/src/tracking';
import { pushPlatformManifest } from '../plugins/image-factory-backend/src/tracking/__testUtils__/pushImages';
import { startRateLimitingProxy } from '../plugins/image-factory-backend/src/tracking/__testUtils__/startRateLimitingProxy';

const RUNS = 12;
const WINDOW_MS = 20_000;
/** One request a second, two at once: over the window at most 2 + 20. */
const BUDGET = { requestsPerHour: 3_600, burst: 2 };
const ALLOWED = BUDGET.burst + (BUDGET.requestsPerHour * WINDOW_MS) / 3_600_000;
const TERMINAL = ['succeeded', 'failed', 'cancelled', 'skipped'];
const admin = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

async function withDatabase<T>(fn: (knex: Knex) => Promise<T>): Promise<T> {
  const name = `bench_replicas_${randomBytes(4).toString('hex')}`;
  const root = knexFactory({ client: 'pg', connection: admin });
  await root.raw(`CREATE DATABASE ${name}`);
  const url = new URL(admin!);
  url.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  try {
    await migrateDatabase({ getClient: async () => knex });
    return await fn(knex);
  } finally {
    await knex.destroy();
    await root.raw(`DROP DATABASE ${name} WITH (FORCE)`);
    await root.destroy();
  }
}

async function until<T>(fn: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 100));
  }
}

async function buildFigures(n: number) {
  return withDatabase(async knex => {
    const fleet = await startFleet({
      knex,
      count: RUNS + 1,
      sleepSeconds: 2,
      executors: ['docker-a', 'docker-b'],
      concurrentRuns: 2,
    });
    const replicas: TestReplica[] = [];
    try {
      for (let i = 0; i < n; i++) replicas.push(await fleet.replica(`r${i}`));
      const enqueue = async (from: number, count: number) => {
        const runs: BuildRun[] = [];
        for (const image of fleet.images.slice(from, from + count)) {
          runs.push(
            (
              await fleet.queue.service.start({
                image,
                cause: 'manual',
                requestedBy: 'user:default/bench',
                force: true,
              })
            ).run,
          );
        }
        return runs;
      };
      const ended = (runs: BuildRun[]) =>
        until(async () => {
          const now = await Promise.all(
            runs.map(r => fleet.queue.service.get(r.id)),
          );
          return now.every(r => r && TERMINAL.includes(r.status)) && now;
        });

      const start = Date.now();
      const runs = await ended(await enqueue(0, RUNS));
      const minutes = (Date.now() - start) / 60_000;
      const succeeded = runs.filter(r => r?.status === 'succeeded').length;

      // One more run, and its replica killed while it builds.
      const [victimRun] = await enqueue(RUNS, 1);
      const owner = await until(async () => {
        const row = await knex('build_runs')
          .where('id', victimRun.id)
          .first('lease_owner');
        return row?.lease_owner as string | undefined;
      });
      const victim = replicas.find(r =>
        owner.startsWith(`${r.name}-${r.pid}`),
      )!;
      const killedAt = Date.now();
      await victim.kill();
      replicas.splice(replicas.indexOf(victim), 1);
      if (replicas.length === 0) replicas.push(await fleet.replica('r0'));
      await until(async () => {
        const run = await fleet.queue.service.get(victimRun.id);
        return run && run.attempts === 2 && run.status !== 'queued';
      });
      const takeoverSeconds = (Date.now() - killedAt) / 1000;
      const [last] = await ended([victimRun]);
      const takeovers = Number(
        (
          await knex('build_runs').where('attempts', '>', 1).count({ n: '*' })
        )[0].n,
      );
      return {
        runsPerMinute: succeeded / minutes,
        succeeded,
        takeovers,
        takeoverSeconds,
        afterTakeover: last!.status,
      };
    } finally {
      await Promise.all(replicas.map(r => r.kill()));
      await fleet.stop();
    }
  });
}

async function budgetFigures(n: number, shared: boolean) {
  return withDatabase(async knex => {
    const registry = await startTestRegistry();
    const proxy = await startRateLimitingProxy(registry.host);
    try {
      const repo = { registry: registry.host, repository: 'budget/base' };
      await pushPlatformManifest(
        OciRegistryClient.create(),
        repo,
        { os: 'linux', architecture: 'amd64' },
        'budget',
        '1',
      );
      const registries = [{ host: proxy.host, ...BUDGET }];
      const client = OciRegistryClient.create();
      proxy.requests.length = 0;
      const end = Date.now() + WINDOW_MS;
      await Promise.all(
        Array.from({ length: n }, async () => {
          const budgets = RegistryBudgets.create({
            registries,
            ...(shared && {
              store: DatabaseRegistryBudgetStore.create({ client: knex }),
            }),
          });
          while (Date.now() < end) {
            const taken = await budgets.take(proxy.host, new Date());
            if (taken === true) {
              await client.headManifest({
                registry: proxy.host,
                repository: 'budget/base',
                tag: '1',
              });
            } else {
              await new Promise(r =>
                setTimeout(
                  r,
                  Math.max(0, Math.min(taken.getTime(), end) - Date.now()),
                ),
              );
            }
          }
        }),
      );
      return proxy.requests.length;
    } finally {
      await proxy.stop();
      await registry.stop();
    }
  });
}

async function main() {
  if (!admin) {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set: replicas need PostgreSQL',
    );
  }
  const rows: string[] = [];
  for (const n of [1, 2, 3]) {
    const builds = await buildFigures(n);
    const shared = await budgetFigures(n, true);
    const own = await budgetFigures(n, false);
    const ratio = (sent: number) => `${(sent / ALLOWED).toFixed(2)}× budget`;
    const takeover = `${
      builds.takeovers
    }, after ${builds.takeoverSeconds.toFixed(1)} s, ${builds.afterTakeover}`;
    const perMinute = `${builds.runsPerMinute.toFixed(1)} (${
      builds.succeeded
    }/${RUNS})`;
    rows.push(
      `| ${n} | ${perMinute} | ${shared} (${ratio(shared)}) | ${own} (${ratio(
        own,
      )}) | ${takeover} |`,
    );
    process.stdout.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(
    [
      '',
      `Replicas on one PostgreSQL 15; ${RUNS} runs (2 s RUN step each) on two executor entries of the local dockerd, 2 concurrent runs per replica, lease 4 s.`,
      `Registry budget ${BUDGET.requestsPerHour}/h, burst ${
        BUDGET.burst
      }: requests that reached the registry in ${
        WINDOW_MS / 1000
      } s (the budget allows ${ALLOWED}).`,
      '',
      '| replicas | runs completed per minute | requests, shared budget | requests, budget per replica (before) | lease takeovers after SIGKILL |',
      '| -------- | ------------------------- | ----------------------- | ------------------------------------- | ----------------------------- |',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
