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

/** Runs the scenarios and returns the table (header and rows). */
export async function runWholePath(count: number): Promise<string[][]> {
  const databases: DatabaseId[] = postgresUrl()
    ? ['sqlite', 'postgres']
    : ['sqlite'];
  const rows: string[][] = [
    [
      'database',
      'entities',
      'startup',
      'full ingestion',
      'entities/s',
      'one-entry change (median, max)',
      'peak RSS',
      'ratio Images/Components',
    ],
  ];
  for (const database of databases) {
    const images = await runInChild(database, 'images', count);
    const components = await runInChild(database, 'components', count);
    for (const r of [images, components]) {
      rows.push([
        database,
        `${r.count} ${r.kind === 'images' ? 'Image' : 'Component'}`,
        seconds(r.startupMs),
        seconds(r.ingestionMs),
        ((r.count / r.ingestionMs) * 1000).toFixed(0),
        `${seconds(median(r.changeMs))}, ${seconds(Math.max(...r.changeMs))}`,
        `${(r.peakRssBytes / 1024 / 1024).toFixed(0)} MB`,
        r === images
          ? `ingestion ${(images.ingestionMs / components.ingestionMs).toFixed(
              2,
            )}, change ${(
              median(images.changeMs) / median(components.changeMs)
            ).toFixed(2)}`
          : '',
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
  `Goals: ratio <= 1.0, a one-entry change visible in under 10 s.`,
];
