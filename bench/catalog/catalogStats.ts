/*
 * BENCH_DB_STATS=1 (PostgreSQL only): what the catalog holds after a
 * scenario, to see where its work per entity goes: rows of the search table
 * (one per leaf field and relation, each written and indexed when an entity
 * is stitched), relations, and the size of a stitched entity; and, when
 * the server loads pg_stat_statements (`shared_preload_libraries`, with the
 * extension created in the server URL's database), the statements that took
 * the scenario database's time.
 */
import { JsonObject } from '@backstage/types';
import knexFactory from 'knex';
import { postgresUrl } from './databases';

/** The five statements of one database that took the most time, if known. */
async function printStatementTimes(name: string): Promise<void> {
  const knex = knexFactory({ client: 'pg', connection: postgresUrl() });
  try {
    const { rows } = await knex.raw(
      `select round(sum(total_exec_time) over ()) as total_ms,
              round(total_exec_time) as ms, calls, rows,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as query
       from pg_stat_statements s join pg_database d on d.oid = s.dbid
       where d.datname = ? order by total_exec_time desc limit 5`,
      [name],
    );
    if (rows.length === 0) return;
    console.log(
      `  statements: ${(rows[0].total_ms / 1000).toFixed(1)} s in all`,
    );
    for (const r of rows) {
      console.log(
        `  ${(r.ms / 1000).toFixed(1).padStart(6)} s ${String(r.calls).padStart(
          6,
        )} calls ${String(r.rows).padStart(7)} rows  ${r.query}`,
      );
    }
  } catch {
    // No pg_stat_statements on this server: the counts above are all.
  } finally {
    await knex.destroy();
  }
}

export async function printCatalogStats(
  database: JsonObject,
  kind: string,
): Promise<void> {
  const knex = knexFactory({
    client: 'pg',
    connection: database.connection as JsonObject,
  });
  try {
    const one = async (sql: string) => (await knex.raw(sql)).rows[0];
    const entities = await one(
      `select count(*)::int as n, avg(length(final_entity))::int as bytes
       from catalog.final_entities where entity_ref like '${kind}:%'`,
    );
    const search = await one(
      `select count(*)::int as n from catalog.search s
       join catalog.final_entities f using (entity_id)
       where f.entity_ref like '${kind}:%'`,
    );
    const relations = await one(
      `select count(*)::int as n from catalog.relations
       where source_entity_ref like '${kind}:%'`,
    );
    console.log(
      `${kind}: ${entities.n} entities of ${entities.bytes} bytes; per entity ` +
        `${(search.n / entities.n).toFixed(1)} search rows, ` +
        `${(relations.n / entities.n).toFixed(1)} relations`,
    );
  } finally {
    await knex.destroy();
  }
  await printStatementTimes(
    (database.connection as JsonObject).database as string,
  );
}
