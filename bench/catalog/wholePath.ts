/*
 * Part 2 of yarn bench:catalog: the whole way from a file to the catalog API,
 * in a real backend (catalog + image-factory backend + our module), on SQLite
 * and on PostgreSQL: N Image entities from images.yaml against N plain
 * Component entities from a location file, each scenario in a child process.
 */
import { fork } from 'child_process';
import path from 'path';
import { postgresUrl, DatabaseId } from './databases';
import { PROCESSING_INTERVAL_SECONDS } from './startPortal';
import type { ScenarioKind, ScenarioResult } from './scenario';

function runInChild(
  database: DatabaseId,
  kind: ScenarioKind,
  count: number,
): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    // The parent's execArgv carries the TypeScript transform.
    const child = fork(
      path.join(__dirname, 'scenario.ts'),
      [database, kind, String(count)],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let result: ScenarioResult | undefined;
    // The backend's dev utilities use the same IPC channel.
    child.on('message', message => {
      const sent = (message as { benchCatalogResult?: ScenarioResult })
        .benchCatalogResult;
      if (sent) result = sent;
    });
    child.on('error', reject);
    child.on('exit', code => {
      if (result) resolve(result);
      else reject(new Error(`${database} ${kind} scenario exited ${code}`));
    });
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * How many times each pair of scenarios runs (BENCH_CATALOG_REPEAT, default
 * 1): at 10,000 entities one run differs from the next by 15 % on this
 * machine, more than the difference measured, so the table gives medians,
 * the spread and the ratio of each pair.
 */
const REPEAT = Math.max(1, Number(process.env.BENCH_CATALOG_REPEAT ?? 1));

/**
 * BENCH_CATALOG_RICH=1 adds a third scenario per pair: Components as rich
 * as the Images (as many annotations and spec fields, so as many search rows
 * as the catalog indexes per Image), to tell the cost of the data from the
 * cost of the factory's way into the catalog.
 */
const RICH = process.env.BENCH_CATALOG_RICH === '1';

const LABELS: Record<ScenarioKind, string> = {
  images: 'Image',
  components: 'Component',
  'rich-components': 'rich Component',
};

const spread = (values: number[]) =>
  values.length > 1
    ? ` (${seconds(Math.min(...values))}–${seconds(Math.max(...values))})`
    : '';

/** Runs the scenarios and returns the table (header and rows). */
export async function runWholePath(count: number): Promise<string[][]> {
  // BENCH_CATALOG_DATABASES=postgres (or sqlite) runs on one of them only.
  const databases = (
    postgresUrl() ? ['sqlite', 'postgres'] : ['sqlite']
  ).filter(id =>
    (process.env.BENCH_CATALOG_DATABASES ?? id).split(',').includes(id),
  ) as DatabaseId[];
  const rows: string[][] = [
    [
      'database',
      'entities',
      'startup',
      REPEAT > 1
        ? `full ingestion (median of ${REPEAT}, range)`
        : 'full ingestion',
      'entities/s',
      'one-entry change (median, max)',
      'peak RSS',
      'ratio Images/this',
    ],
  ];
  const kinds: ScenarioKind[] = [
    'images',
    'components',
    ...(RICH ? ['rich-components' as const] : []),
  ];
  for (const database of databases) {
    const results = new Map<ScenarioKind, ScenarioResult[]>(
      kinds.map(kind => [kind, []]),
    );
    for (let i = 0; i < REPEAT; i++) {
      // Each goes first in turn: a machine that warms up favours none.
      const order = kinds.map((_, k) => kinds[(k + i) % kinds.length]);
      for (const kind of order) {
        results.get(kind)!.push(await runInChild(database, kind, count));
      }
    }
    const images = results.get('images')!;
    const ingestion = (runs: ScenarioResult[]) =>
      median(runs.map(r => r.ingestionMs));
    const changes = (runs: ScenarioResult[]) => runs.flatMap(r => r.changeMs);
    /** Images against one peer: median ratio, each run's, and of changes. */
    const ratio = (peer: ScenarioResult[]) =>
      `ingestion ${(ingestion(images) / ingestion(peer)).toFixed(2)}${
        REPEAT > 1
          ? ` (pairs: ${images
              .map((x, i) => (x.ingestionMs / peer[i].ingestionMs).toFixed(2))
              .join(', ')})`
          : ''
      }, change ${(median(changes(images)) / median(changes(peer))).toFixed(
        2,
      )}`;
    for (const kind of kinds) {
      const runs = results.get(kind)!;
      const r = runs[0];
      const ms = ingestion(runs);
      rows.push([
        database,
        `${r.count} ${LABELS[kind]}`,
        seconds(median(runs.map(x => x.startupMs))),
        `${seconds(ms)}${spread(runs.map(x => x.ingestionMs))}`,
        ((r.count / ms) * 1000).toFixed(0),
        `${seconds(median(changes(runs)))}, ${seconds(
          Math.max(...changes(runs)),
        )}`,
        `${(Math.max(...runs.map(x => x.peakRssBytes)) / 1024 / 1024).toFixed(
          0,
        )} MB`,
        kind === 'images' ? '' : ratio(runs),
      ]);
    }
  }
  return rows;
}

export const WHOLE_PATH_HEADER = [
  `Whole path: from a changed file to every entity readable through the catalog API`,
  `(GET /entities/by-query, with its ownedBy relation, and dependsOn on a sample),`,
  `in one backend per scenario (catalog + image-factory backend + catalog module).`,
  `catalog.processingInterval ${PROCESSING_INTERVAL_SECONDS} s for both kinds; images.yaml read every 1 s.`,
  `Each set of scenarios runs ${REPEAT} time(s) (BENCH_CATALOG_REPEAT), in turns${
    RICH ? '; rich Components carry as many fields as an Image' : ''
  }.`,
  `Goals: ratio <= 1.0, a one-entry change visible in under 10 s.`,
];
