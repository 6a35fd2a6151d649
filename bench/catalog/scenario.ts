/*
 * One scenario of the whole-path part, run in a child process of its own so
 * that each gets a clean heap and its own peak RSS: one database (sqlite or
 * postgres) and one kind (images from images.yaml, or components from a
 * location file: plain, or as rich as the images). The backend starts with
 * both files empty; once the catalog has seen them, the full file is written
 * and the time until all N entities are readable through the catalog API
 * with their relations is measured; then one entry at a time is changed and
 * the time until the catalog API shows the change. BENCH_DB_STATS=1 prints
 * what the catalog then holds per entity (catalogStats.ts).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { printCatalogStats } from './catalogStats';
import { createDatabase, DatabaseId } from './databases';
import {
  description,
  generateComponentsYaml,
  generateImagesYaml,
} from './generate';
import { startPortal } from './startPortal';

export type ScenarioKind = 'images' | 'components' | 'rich-components';

export interface ScenarioResult {
  database: DatabaseId;
  kind: ScenarioKind;
  count: number;
  startupMs: number;
  ingestionMs: number;
  changeMs: number[];
  peakRssBytes: number;
}

const CHANGES = 3;
/** How many entities, spread over the file, are read before the count. */
const SPREAD = 50;
const TIMEOUT_MS = 10 * 60_000;
const headers = { Authorization: mockCredentials.user.header() };

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  intervalMs: number,
): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function readJson(
  url: string,
  /** A JSON body to POST (a read, such as by-refs). */
  body?: unknown,
  attempt = 1,
): Promise<any> {
  let response: Response;
  try {
    response = await fetch(
      url,
      body === undefined
        ? { headers }
        : {
            method: 'POST',
            headers: { ...headers, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          },
    );
  } catch (error) {
    // Under load the server may close a kept-alive socket as it is reused
    // (ECONNRESET): a read that polls anyway is asked again.
    if (attempt >= 3) throw error;
    return readJson(url, body, attempt + 1);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

export async function runScenario(
  database: DatabaseId,
  kind: ScenarioKind,
  count: number,
): Promise<ScenarioResult> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-catalog-path-'));
  const imagesFile = path.join(dir, 'images.yaml');
  const componentsFile = path.join(dir, 'components.yaml');
  await fs.writeFile(imagesFile, generateImagesYaml(0));
  await fs.writeFile(componentsFile, '# no components yet\n');
  const db = await createDatabase(database, dir);

  const startedAt = Date.now();
  const portal = await startPortal({
    database: db.config,
    imagesFile,
    componentsFile,
    dir,
  });
  try {
    const { catalogUrl } = portal;
    const entityKind = kind === 'images' ? 'image' : 'component';
    const prefix = kind === 'images' ? 'image' : 'component';
    const file = kind === 'images' ? imagesFile : componentsFile;
    const generate =
      kind === 'images'
        ? generateImagesYaml
        : (n: number, describe?: (i: number) => string) =>
            generateComponentsYaml(n, describe, kind === 'rich-components');
    const total = async (filter: string) =>
      (
        await readJson(
          `${catalogUrl}/entities/by-query?limit=1&filter=${encodeURIComponent(
            filter,
          )}`,
        )
      ).totalItems as number;
    // A location file is read again when its Location entity is processed:
    // refreshing that entity through the API (as the Refresh button or an SCM
    // webhook does) starts it at once, as the backend's event does for
    // images.yaml.
    let refreshLocation = async () => {};
    // Renamed into place, as a deployment updates a file: a reader never
    // sees half of it.
    const written = async (text: string) => {
      await fs.writeFile(`${file}.new`, text);
      await fs.rename(`${file}.new`, file);
      await refreshLocation();
    };
    const byRefs = async (entityRefs: string[]) =>
      (await readJson(`${catalogUrl}/entities/by-refs`, { entityRefs })).items;
    const byName = (name: string) =>
      readJson(`${catalogUrl}/entities/by-name/${entityKind}/default/${name}`);

    // Ready: the provider has applied its first mutation (the Provider
    // entities), or the catalog has read the location file once.
    await waitFor(
      'the empty catalog',
      async () =>
        kind === 'images'
          ? (await total('kind=provider')) > 0
          : (await total('kind=location')) > 0,
      200,
    );
    const startupMs = Date.now() - startedAt;
    if (kind !== 'images') {
      const { items } = await readJson(
        `${catalogUrl}/entities/by-query?filter=kind=location`,
      );
      const entityRef = `location:default/${items[0].metadata.name}`;
      refreshLocation = async () => {
        const response = await fetch(`${catalogUrl}/refresh`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ entityRef }),
        });
        if (!response.ok) throw new Error(`refresh: ${response.status}`);
      };
    }
    // Both files have been read empty by now, at least once.
    await sleep(3000);

    // Full ingestion: every entity with its owner, and a sample with its
    // dependsOn (entry 12 depends on the base of its group, entry 10).
    const ingestionStart = Date.now();
    await written(generate(count));
    const sample = `${prefix}-${Math.min(12, count - 1)}`;
    // Entities spread over the file, read by ref (key lookups) until each is
    // there with its owner; only then the count, a query over the search
    // table that, asked every 250 ms from the start, took a third of the
    // database's time at 10,000 entities and slowed what it measured.
    const spread = Array.from(
      { length: Math.min(count, SPREAD) },
      (_, k) =>
        `${entityKind}:default/${prefix}-${
          Math.floor(((k + 1) * count) / Math.min(count, SPREAD)) - 1
        }`,
    );
    let spreadReady = false;
    await waitFor(
      `${count} ${kind}`,
      async () => {
        spreadReady ||= (await byRefs(spread)).every(
          (e: { relations?: Array<{ type: string }> } | null) =>
            e?.relations?.some(r => r.type === 'ownedBy'),
        );
        if (
          !spreadReady ||
          (await total(`kind=${entityKind},relations.ownedBy`)) < count
        ) {
          return false;
        }
        const entity = await byName(sample);
        return (
          count < 13 ||
          (entity?.relations ?? []).some(
            (r: { type: string; targetRef: string }) =>
              r.type === 'dependsOn' &&
              r.targetRef === `${entityKind}:default/${prefix}-10`,
          )
        );
      },
      250,
    );
    const ingestionMs = Date.now() - ingestionStart;

    // One-entry changes, spread over the file: each pass changes one more
    // entry, and the earlier changes stay as they were.
    const changeMs: number[] = [];
    const changed = new Map<number, string>();
    for (let n = 0; n < CHANGES; n++) {
      const index = Math.floor(((n + 1) * count) / (CHANGES + 1));
      const text = `Changed entry number ${index}`;
      changed.set(index, text);
      const changeStart = Date.now();
      await written(generate(count, i => changed.get(i) ?? description(i)));
      await waitFor(
        `the change of entry ${index}`,
        async () =>
          (await byName(`${prefix}-${index}`))?.metadata?.description === text,
        100,
      );
      changeMs.push(Date.now() - changeStart);
    }
    clearInterval(sampler);
    return {
      database,
      kind,
      count,
      startupMs,
      ingestionMs,
      changeMs,
      peakRssBytes: peakRss,
    };
  } finally {
    clearInterval(sampler);
    await portal.stop();
    if (process.env.BENCH_DB_STATS && database === 'postgres') {
      await printCatalogStats(
        db.config,
        kind === 'images' ? 'image' : 'component',
      );
    }
    await db.drop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// Run as a child process of wholePath.ts: the arguments are the scenario and
// the result goes back over IPC.
if (require.main === module) {
  const [database, kind, count] = process.argv.slice(2);
  runScenario(database as DatabaseId, kind as ScenarioKind, Number(count))
    .then(result => {
      if (process.send) {
        process.send({ benchCatalogResult: result }, () => process.exit(0));
      } else {
        console.log(JSON.stringify(result));
        process.exit(0);
      }
    })
    .catch(error => {
      console.error(error);
      process.exit(1);
    });
}
