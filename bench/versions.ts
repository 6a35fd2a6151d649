/*
 * yarn bench:versions — the Versions view against the plain client a peer
 * plugin uses (list every tag, then GET each tag's manifest one after the
 * other), in one run, on a throwaway real registry (docker-registry):
 *   1. cold: a repository with 1,500 tags over 300 digests (multi-platform
 *      indexes); the time to the first page of 25 and the registry requests
 *      it took (HEADs per tag, GETs per digest), against the peer's; goal:
 *      manifests fetched once per digest, never per tag;
 *   2. warm: p95 latency of a page (random sort, filter, machine-tag toggle
 *      and cursor) over a repository of 1,000 versions; goal under 50 ms;
 *   3. peak RSS of the run.
 * Needs docker-registry (Debian package) on this machine.
 */
import knexFactory from 'knex';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { startTestRegistry } from '../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import { migrateDatabase } from '../plugins/image-factory-backend/src/database';
import {
  OCI_IMAGE_INDEX,
  OciRegistryClient,
} from '../plugins/image-factory-backend/src/registry';
import { RegistryBudgets } from '../plugins/image-factory-backend/src/tracking';
import { createVersions } from '../plugins/image-factory-backend/src/versions';
import { pushImageIndex } from '../plugins/image-factory-backend/src/versions/__testUtils__';
import { silentLogger, time } from './benchUtils';

const COLD_DIGESTS = 300;
const WARM_VERSIONS = 1_000;
const WARM_PAGES = 300;
const PAGE = 25;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

/** A fetch that counts requests by method. */
function countingFetch() {
  const counts = { GET: 0, HEAD: 0, other: 0 };
  const counted: typeof fetch = (input, init) => {
    const method = (init?.method ?? 'GET') as keyof typeof counts;
    counts[method in counts ? method : 'other'] += 1;
    return fetch(input, init);
  };
  return { counts, fetch: counted };
}

/**
 * `count` versions in `repository`: one real index pushed, then copies of
 * it that differ in one annotation (new digests, the same platforms), each
 * under `tagsOf(i)`. The registry holds every tag as a real manifest.
 */
async function fill(
  client: OciRegistryClient,
  registry: string,
  repository: string,
  count: number,
  tagsOf: (i: number) => string[],
) {
  const repo = { registry, repository };
  const base = await pushImageIndex(client, repo, {
    seed: repository,
    platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
  });
  const json = JSON.parse(base.bytes.toString('utf8'));
  const jobs: Array<() => Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.from(
      JSON.stringify({
        ...json,
        annotations: {
          'org.opencontainers.image.revision': `rev-${i}`,
          'org.opencontainers.image.created': new Date(
            Date.UTC(2026, 0, 1) + i * 3_600_000,
          ).toISOString(),
        },
      }),
    );
    for (const tag of tagsOf(i)) {
      jobs.push(() => client.putManifest(repo, tag, bytes, OCI_IMAGE_INDEX));
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

async function main() {
  const registry = await startTestRegistry();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-versions-'));
  try {
    const client = OciRegistryClient.create();
    const stamp = (i: number) =>
      new Date(Date.UTC(2026, 0, 1) + i * 3_600_000)
        .toISOString()
        .replace(/[-:]/g, '');
    await fill(client, registry.host, 'bench/cold', COLD_DIGESTS, i => [
      `1.${i}.0`,
      `1.${i}`,
      `main-${stamp(i)}`,
      `sha-${(0x1000000 + i).toString(16)}`,
      `build-${i}`,
    ]);
    await fill(client, registry.host, 'bench/warm', WARM_VERSIONS, i => [
      `2.${Math.floor(i / 10)}.${i % 10}`,
    ]);

    // The peer: every tag, then each tag's manifest, one at a time.
    const peerCount = countingFetch();
    const peer = OciRegistryClient.create({ fetch: peerCount.fetch });
    const cold = { registry: registry.host, repository: 'bench/cold' };
    const [peerTags, peerMs] = await time(async () => {
      const tags: string[] = [];
      let last: string | undefined;
      for (;;) {
        const page = await peer.listTags(cold, { n: 100, last });
        tags.push(...page.tags);
        if (!page.next) break;
        last = page.next.last;
      }
      for (const tag of tags) await peer.getManifest({ ...cold, tag });
      return tags;
    });

    // The factory, on a database file like the embedded default.
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'versions.sqlite') },
      useNullAsDefault: true,
    });
    await migrateDatabase({ getClient: async () => knex });
    const oursCount = countingFetch();
    const versions = createVersions({
      client: knex,
      config: {
        tagsCacheTimeMs: 3_600_000,
        maxCachedDetails: 20_000,
        maxTags: 10_000,
        webUrls: new Map(),
      },
      budgets: RegistryBudgets.create(),
      credentials: async () => undefined,
      requestTimeoutMs: 30_000,
      adapters: [],
      runs: async () => [],
      images: () => [],
      logger: silentLogger,
      fetch: oursCount.fetch,
    });
    const coldTarget = {
      ...cold,
      imageName: 'cold',
      entityRef: 'image:default/cold',
      managed: false,
    };
    const [first, oursMs] = await time(() =>
      versions.service.list(coldTarget, {
        limit: PAGE,
        sort: 'semver',
        hideMachineTags: false,
      }),
    );
    const firstPageRequests = { ...oursCount.counts };
    const [, dateMs] = await time(() =>
      versions.service.list(coldTarget, {
        limit: PAGE,
        sort: 'date',
        hideMachineTags: false,
      }),
    );
    const allRequests = { ...oursCount.counts };

    const warmTarget = {
      registry: registry.host,
      repository: 'bench/warm',
      imageName: 'warm',
      entityRef: 'image:default/warm',
      managed: false,
    };
    // Warm-up: the listing and every version's details in the cache.
    await versions.service.list(warmTarget, {
      limit: PAGE,
      sort: 'date',
      hideMachineTags: false,
    });
    const latencies: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < WARM_PAGES; i++) {
      const sort = i % 2 ? 'date' : 'semver';
      const [page, ms] = await time(() =>
        versions.service.list(warmTarget, {
          limit: PAGE,
          sort,
          hideMachineTags: i % 3 === 0,
          ...(i % 5 === 0 && { q: `2.${i % 100}` }),
          cursor,
        }),
      );
      latencies.push(ms);
      cursor = i % 7 === 6 ? undefined : page.nextCursor;
    }
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95) - 1];
    const ourPerDigestGets = allRequests.GET;
    await knex.destroy();

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    const rows: Array<[string, string]> = [
      [
        'tags / digests (cold repository)',
        `${peerTags.length} / ${first.total} versions`,
      ],
      [
        'peer: time to a first page (all tags, a GET per tag)',
        `${(peerMs / 1000).toFixed(2)} s`,
      ],
      [
        'ours: cold time to the first page of 25 (semver)',
        `${(oursMs / 1000).toFixed(2)} s`,
      ],
      ['ratio ours / peer (cold first page)', (oursMs / peerMs).toFixed(2)],
      [
        'ours: then sorted by date (reads every version)',
        `${(dateMs / 1000).toFixed(2)} s`,
      ],
      [
        'peer requests (GET manifests / tag pages)',
        `${
          peerCount.counts.GET - Math.ceil(peerTags.length / 100)
        } / ${Math.ceil(peerTags.length / 100)}`,
      ],
      [
        'ours, first page: HEAD per tag / GET',
        `${firstPageRequests.HEAD} / ${firstPageRequests.GET}`,
      ],
      [
        'ours, every version read: HEAD / GET (pages + indexes + 3 platforms + 3 configs)',
        `${allRequests.HEAD} / ${ourPerDigestGets}`,
      ],
      [
        'manifest GETs per digest (goal 1, never per tag)',
        (
          (ourPerDigestGets - Math.ceil(peerTags.length / 100) - 6) /
          COLD_DIGESTS
        ).toFixed(2),
      ],
      [
        `warm p95 of a page over ${WARM_VERSIONS} versions (goal < 50 ms)`,
        `${p95.toFixed(1)} ms`,
      ],
      [
        'warm median',
        `${latencies[Math.floor(latencies.length / 2)].toFixed(1)} ms`,
      ],
      ['peak RSS', mb(peakRss)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('\nyarn bench:versions (real docker-registry, one run)\n');
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    clearInterval(sampler);
    await registry.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
