/*
 * yarn bench:catalog — the catalog path of Image Factory at N images (default
 * 10,000; BENCH_IMAGES):
 *   1. the entity provider and kinds processor alone (bench/catalog/providerAlone.ts);
 *   2. the whole path, from a changed images.yaml to every Image entity
 *      readable through the catalog API with its relations, against as many
 *      Component entities from a location file, on SQLite and on PostgreSQL
 *      (bench/catalog/wholePath.ts). PostgreSQL needs
 *      BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
 * BENCH_CATALOG_PARTS=1 or =2 runs only one part; BENCH_CATALOG_DATABASES=postgres
 * (or sqlite) one database; BENCH_CATALOG_REPEAT=N each set of scenarios N
 * times, in turns (medians and the ratio of each pair); BENCH_CATALOG_RICH=1
 * adds Components as rich as the Images (as many search rows) to each set;
 * BENCH_DB_STATS=1 prints what the catalog holds per entity and, with
 * pg_stat_statements on the server, the statements that took its time.
 */
import { runProviderAlone } from './catalog/providerAlone';
import { runWholePath, WHOLE_PATH_HEADER } from './catalog/wholePath';

const COUNT = Number(process.env.BENCH_IMAGES ?? 10_000);
const PARTS = process.env.BENCH_CATALOG_PARTS ?? '12';

function printTable(rows: string[][]) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => r[c].length)));
  for (const row of rows) {
    console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  }
}

async function main() {
  if (PARTS.includes('1')) {
    console.log('Provider and processor alone');
    const rows = await runProviderAlone(COUNT);
    const width = Math.max(...rows.map(r => r[0].length));
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    console.log();
  }
  if (PARTS.includes('2')) {
    for (const line of WHOLE_PATH_HEADER) console.log(line);
    printTable(await runWholePath(COUNT));
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
