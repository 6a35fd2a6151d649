/*
 * yarn bench:tracking — base-image tracking and rebuild planning at scale, on
 * Debian's real `docker-registry` (loopback, throwaway storage) and knex on an
 * in-memory better-sqlite3 database:
 *   - 1,000 managed Image entities whose Dockerfile analyses (stored as the
 *     graph's resolver keeps them) name 150 unique base references: one base
 *     used by 500 images, one by 50, the other 148 by about 3 each. Every fifth
 *     base is an OCI index of three platforms, the rest single manifests, all
 *     pushed through the registry HTTP API (blob + config + manifest PUTs).
 *   1. tracking: BaseImageTracker.runOnce (DigestWatcher + DigestStore) with its
 *      `bases` from ImageGraph.baseUsage(). A counting HTTP proxy in front of
 *      the registry counts every request the watcher sends, HEADs and GETs of
 *      manifests apart. Per pass: requests / unique references (goal 1.00 when
 *      nothing changed; the first pass also GETs each new digest, a later pass
 *      GETs only the N bases that changed). Peer in the same run, through the
 *      same proxy and client: a naive checker that HEADs each image's base
 *      once per image (1,000 requests).
 *   2. planning: one RebuildPlanner.runOnce (the pass that creates the plans)
 *      with the graph from ImageGraph.getGraph(), as the plugin wires it, after
 *      the base used by 500 images changed digest (one platform of its index).
 *      A pass always reads every image's last build, so its cost has a floor
 *      that does not depend on the change. Peers in the same run, on the same
 *      1,000 images and database: the same pass with nothing changed (median
 *      of 3; the floor) and after a base used by 50 images changed. Printed:
 *      the ratios to both, and the marginal time per planned image (the 500
 *      pass minus the floor, per plan). The same figure for the 50 pass is not
 *      printed: 50 plans cost less than the pass-to-pass noise of the floor.
 *      The 500 and 50 passes run once each (a pass changes what the next one
 *      sees); the 50 plans are closed by recorded rebuilds before the 500
 *      pass. No plan is queued: the default 30-minute coalescing window is
 *      still open.
 *   3. memory: RSS after loading the modules, after the first tracking passes
 *      and the naive peer, peak and at the end; heap used at the end.
 * Needs docker-registry (Debian package `docker-registry`, which the test
 * setup installs when run as root).
 */
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ImageEntityV1alpha1,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';
import { randomUUID } from 'crypto';
import { accessSync, constants } from 'fs';
import http from 'http';
import knexFactory from 'knex';
import { AddressInfo } from 'net';
import path from 'path';
import { startTestRegistry } from '../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import { BuildEvents } from '../plugins/image-factory-backend/src/builds/BuildEvents';
import { BuildService } from '../plugins/image-factory-backend/src/builds';
import { imageEntity } from '../plugins/image-factory-backend/src/builds/__testUtils__/imageEntity';
import {
  DatabaseBuildLogStore,
  DatabaseBuildStore,
  DatabaseDigestStore,
  DatabaseImageBasesStore,
  DatabaseRebuildPlanStore,
  migrateDatabase,
} from '../plugins/image-factory-backend/src/database';
import {
  ImageBasesResolver,
  ImageGraph,
  ResolvedBase,
} from '../plugins/image-factory-backend/src/graph';
import { RebuildPlanner } from '../plugins/image-factory-backend/src/planning/RebuildPlanner';
import { OciRegistryClient } from '../plugins/image-factory-backend/src/registry';
import {
  BaseImageTracker,
  DigestWatcher,
  DigestWatcherSummary,
} from '../plugins/image-factory-backend/src/tracking';
import {
  pushIndex,
  pushPlatformManifest,
  PushedManifest,
} from '../plugins/image-factory-backend/src/tracking/__testUtils__/pushImages';
import { silentLogger, time } from './benchUtils';

const IMAGES = 1_000;
const BASES = 150;
/** Base 0 is used by 500 images, base 1 by 50; the rest share the others. */
const BIG = 500;
const SMALL = 50;
/** Bases changed before the last tracking pass (not 0 or 1). */
const CHANGED = 10;
const HOUR = 60 * 60 * 1000;
/** More than the watcher's default interval plus jitter: every reference is due. */
const PAST_INTERVAL = 27 * HOUR;

const PLATFORMS = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  s390x: { os: 'linux', architecture: 's390x' },
};

const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);

function requireRegistryBinary() {
  const found = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some(dir => {
      try {
        accessSync(path.join(dir, 'docker-registry'), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!found) {
    throw new Error(
      'docker-registry is not on the PATH: the bench runs the real registry. ' +
        'Install the Debian package (apt-get install docker-registry), or run ' +
        './scripts/test once as root, which installs it.',
    );
  }
}

/** A proxy in front of the registry that counts the requests it forwards. */
async function startCountingProxy(target: string) {
  const [targetHost, targetPort] = target.split(':');
  const agent = new http.Agent({ keepAlive: true });
  let counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const kind = url.includes('/manifests/')
      ? 'manifest'
      : url.includes('/blobs/')
      ? 'blob'
      : 'other';
    const key = `${req.method} ${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = http.request(
      {
        host: targetHost,
        port: Number(targetPort),
        method: req.method,
        path: url,
        headers: req.headers,
        agent,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    /** The counts since the last take, by `METHOD kind`; resets them. */
    take() {
      const taken = counts;
      counts = new Map();
      return {
        head: taken.get('HEAD manifest') ?? 0,
        get: taken.get('GET manifest') ?? 0,
        other: [...taken]
          .filter(([k]) => k !== 'HEAD manifest' && k !== 'GET manifest')
          .reduce((sum, [, n]) => sum + n, 0),
      };
    },
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** Runs `fn` on every item, `limit` at a time. */
async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main() {
  requireRegistryBinary();
  const registry = await startTestRegistry();
  const proxy = await startCountingProxy(registry.host);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    await migrateDatabase({ getClient: async () => knex });
    const clock = { now: new Date('2026-11-02T00:00:00Z') };
    const now = () => clock.now;
    const advance = (ms: number) => {
      clock.now = new Date(clock.now.getTime() + ms);
    };

    // The bases: pushed straight to the registry; images name them through the proxy.
    const pusher = OciRegistryClient.create();
    const isIndex = (b: number) => b % 5 === 0;
    const baseRepo = (b: number) => ({
      registry: registry.host,
      repository: `base/b${b}`,
    });
    const baseRef = (b: number) => `${proxy.host}/base/b${b}:1`;
    const children = new Map<number, PushedManifest[]>();
    /** Pushes base `b` at `revision`; for an index, only the amd64 child changes. */
    const pushBase = async (b: number, revision: string) => {
      const repo = baseRepo(b);
      if (!isIndex(b)) {
        await pushPlatformManifest(
          pusher,
          repo,
          PLATFORMS.amd64,
          `b${b}-${revision}`,
          '1',
        );
        return;
      }
      const amd64 = await pushPlatformManifest(
        pusher,
        repo,
        PLATFORMS.amd64,
        `b${b}-${revision}`,
      );
      // One after another: the children share their layer blob, and the
      // registry refuses concurrent uploads of one blob to one repository.
      let others = children.get(b)?.slice(1);
      if (!others) {
        others = [];
        for (const p of [PLATFORMS.arm64, PLATFORMS.s390x]) {
          others.push(
            await pushPlatformManifest(pusher, repo, p, `b${b}-${revision}`),
          );
        }
      }
      children.set(b, [amd64, ...others]);
      await pushIndex(pusher, repo, '1', children.get(b)!);
    };
    const bases = Array.from({ length: BASES }, (_, b) => b);
    const [, pushMs] = await time(() => pool(bases, 8, b => pushBase(b, 'r1')));

    // The images and their Dockerfile bases, as the graph's resolver stores them.
    const baseOf = (i: number) =>
      i < BIG ? 0 : i < BIG + SMALL ? 1 : 2 + ((i - BIG - SMALL) % (BASES - 2));
    const entities: ImageEntityV1alpha1[] = [];
    const imageBases = DatabaseImageBasesStore.create({ client: knex });
    for (let i = 0; i < IMAGES; i++) {
      const b = baseOf(i);
      const platforms = isIndex(b)
        ? ['linux/amd64', 'linux/arm64']
        : ['linux/amd64'];
      const entity = imageEntity({
        name: `image-${i}`,
        registry: 'registry.example.test',
        repository: `apps/image-${i}`,
        tag: '1',
        platforms,
        source: {
          repo: `acme/image-${i}`,
          dockerfile: 'Dockerfile',
          context: '.',
        },
      });
      entities.push(entity);
      const resolved: ResolvedBase = {
        reference: baseRef(b),
        platforms,
        usages: [],
      };
      await imageBases.put({
        entityRef: stringifyEntityRef(entity),
        bases: [resolved],
        analyzedAt: clock.now,
        problems: [],
      });
    }

    const digests = DatabaseDigestStore.create({ client: knex });
    const resolver = new ImageBasesResolver({
      urlReader: {} as UrlReaderService, // only what the store holds is read
      providers: [],
      store: imageBases,
      logger: silentLogger,
      clock: now,
    });
    await resolver.load();
    const graph = new ImageGraph({ images: () => entities, resolver, digests });
    const client = OciRegistryClient.create({ clock: now });
    const tracker = new BaseImageTracker({
      watcher: DigestWatcher.create({
        store: digests,
        registry: client,
        logger: silentLogger,
        clock: now,
      }),
      store: digests,
      images: () => entities,
      bases: () => graph.baseUsage(),
      logger: silentLogger,
    });
    const uniqueRefs = graph.baseUsage().size;

    type Pass = {
      label: string;
      head: number;
      get: number;
      other: number;
      ms: number;
      summary: DigestWatcherSummary;
    };
    const passes: Pass[] = [];
    const track = async (label: string) => {
      advance(PAST_INTERVAL);
      proxy.take();
      const [summary, ms] = await time(() => tracker.runOnce());
      const pass = { label, ...proxy.take(), ms, summary };
      if (summary.errors.length > 0) {
        throw new Error(
          `tracking errors: ${summary.errors
            .map(e => `${e.reference}: ${e.message}`)
            .join('; ')}`,
        );
      }
      passes.push(pass);
      return pass;
    };

    // 1. Tracking: first pass, then one with nothing changed.
    await track('first pass (every digest new)');
    await track('nothing changed');

    // Peer: one HEAD per image, however many images share a base.
    proxy.take();
    const [, naiveMs] = await time(async () => {
      for (let i = 0; i < IMAGES; i++) {
        await client.headManifest(parseImageRef(baseRef(baseOf(i))));
      }
    });
    const naive = proxy.take();
    const trackingRss = process.memoryUsage().rss;

    // Every image's last successful build, with the base digest it used.
    const builds = DatabaseBuildStore.create({ client: knex });
    const recordBuild = async (image: ImageEntityV1alpha1) => {
      const reference = baseRef(baseOf(entities.indexOf(image)));
      const digest = (await digests.getCurrent(reference))!.digest.digest;
      const id = randomUUID();
      const inputs = {
        platforms: image.spec.platforms,
        baseDigests: { [reference]: digest },
      };
      await builds.enqueue({
        id,
        imageName: image.metadata.name,
        entityRef: stringifyEntityRef(image),
        cause: 'manual',
        force: false,
        inputs,
        createdAt: clock.now,
      });
      const claimed = await builds.claim({
        owner: 'bench',
        leaseMs: HOUR,
        now: clock.now,
      });
      if (claimed?.id !== id)
        throw new Error(`claimed ${claimed?.id}, not ${id}`);
      await builds.setInputs({
        id,
        owner: 'bench',
        inputs,
        inputsHash: `sha256:${id}`,
        reference: image.spec.reference,
      });
      await builds.finish({
        id,
        owner: 'bench',
        now: clock.now,
        end: {
          status: 'succeeded',
          indexDigest: `sha256:${id.replace(/-/g, '').padEnd(64, '0')}`,
        },
      });
    };
    for (const image of entities) await recordBuild(image);

    const plans = DatabaseRebuildPlanStore.create({ client: knex });
    const service = new BuildService({
      store: builds,
      logs: DatabaseBuildLogStore.create({ client: knex }),
      events: new BuildEvents(),
      images: () => entities,
      clock: now,
    });
    const planner = new RebuildPlanner({
      images: () => entities,
      graph: () => graph.getGraph(),
      digests,
      builds,
      plans,
      queue: { start: request => service.start(request) },
      logger: silentLogger,
      maxWaitMs: 24 * HOUR,
      maxDepth: 10,
      clock: now,
    });
    const plan = () => time(() => planner.runOnce());

    // 2. Planning. The floor: nothing changed (one warm-up pass, then 3).
    await plan();
    const quiet: number[] = [];
    for (let n = 0; n < 3; n++) {
      const [open, ms] = await plan();
      if (open.length !== 0) throw new Error(`${open.length} plans, not 0`);
      quiet.push(ms);
    }
    const quietMs = quiet.sort((a, b) => a - b)[1];

    await pushBase(1, 'r2');
    await track(`base used by ${SMALL} images changed`);
    const [smallPlans, smallMs] = await plan();

    // Those images are rebuilt; the next pass closes their plans.
    for (let i = BIG; i < BIG + SMALL; i++) await recordBuild(entities[i]);
    advance(HOUR);
    const [closed] = await plan();
    if (closed.length !== 0) throw new Error(`${closed.length} plans left`);

    await pushBase(0, 'r2');
    await track(`base used by ${BIG} images changed`);
    const [bigPlans, bigMs] = await plan();
    const bigPlatforms = new Set(bigPlans.flatMap(p => p.platforms));

    const snapshot = await graph.getGraph();
    const [cascade, cascadeMs] = await time(async () =>
      snapshot.graph.predictCascade(baseRef(0)),
    );

    // The last tracking pass: N more bases changed.
    const changed = bases.slice(2, 2 + CHANGED);
    await pool(changed, 8, b => pushBase(b, 'r2'));
    await track(`${CHANGED} other bases changed`);

    clearInterval(sampler);
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    const ms = (n: number, digits = 1) => `${n.toFixed(digits)} ms`;
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const rows: Array<[string, string]> = [
      [
        'setup',
        `${IMAGES} images over ${uniqueRefs} unique base references (${
          bases.filter(isIndex).length
        } OCI indexes of 3 platforms), pushed in ${(pushMs / 1000).toFixed(
          1,
        )} s`,
      ],
      ['tracking: requests to the registry per pass (HEAD / GET / other)', ''],
    ];
    for (const p of passes) {
      rows.push([
        `  ${p.label}`,
        `${p.head} / ${p.get} / ${p.other}   per unique reference ${ratio(
          p.head + p.get + p.other,
          uniqueRefs,
        )}   changed ${p.summary.changed.length}   ${ms(p.ms)}`,
      ]);
    }
    const steady = passes[1];
    rows.push(
      [
        '  peer: naive check, one HEAD per image',
        `${naive.head} / ${naive.get} / ${
          naive.other
        }   per unique reference ${ratio(
          naive.head + naive.get + naive.other,
          uniqueRefs,
        )}   ${ms(naiveMs)}`,
      ],
      [
        '  watcher / naive, nothing changed',
        `requests ${ratio(
          steady.head + steady.get + steady.other,
          naive.head + naive.get + naive.other,
        )}   time ${ratio(steady.ms, naiveMs)}`,
      ],
      ['planning: one RebuildPlanner pass over all images', ''],
      [
        `  base used by ${BIG} images changed`,
        `${ms(bigMs)}, ${bigPlans.length} plans (platforms ${[
          ...bigPlatforms,
        ].join(', ')})`,
      ],
      [
        `  peer: base used by ${SMALL} images changed`,
        `${ms(smallMs)}, ${smallPlans.length} plans   ratio ${ratio(
          bigMs,
          smallMs,
        )}`,
      ],
      [
        '  peer: nothing changed (median of 3)',
        `${ms(quietMs)}   ratio ${ratio(bigMs, quietMs)}`,
      ],
      [
        `  marginal time per planned image (${BIG} pass minus the floor)`,
        ms((bigMs - quietMs) / bigPlans.length, 3),
      ],
      [
        '  DependencyGraph.predictCascade of that base',
        `${ms(cascadeMs)}, ${cascade.rebuilds.length} rebuilds`,
      ],
      ['RSS after loading the modules', mb(baselineRss)],
      ['RSS after the tracking passes and the naive peer', mb(trackingRss)],
      ['peak RSS (whole run, planning included)', mb(peakRss)],
      ['RSS at the end', mb(memory.rss)],
      ['heap used at the end', mb(memory.heapUsed)],
    );
    const width = Math.max(...rows.map(r => r[0].length));
    process.stdout.write(
      `bench:tracking — docker-registry ${registry.host} behind a counting proxy ${proxy.host}\n`,
    );
    for (const [k, v] of rows) {
      process.stdout.write(`${v ? `${k.padEnd(width)}  ${v}` : k}\n`);
    }
  } finally {
    clearInterval(sampler);
    await knex.destroy();
    await proxy.stop();
    await registry.stop();
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
