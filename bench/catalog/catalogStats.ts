/*
 * BENCH_DB_STATS=1 (PostgreSQL only): what the catalog holds after a
 * scenario, to see where its work per entity goes: rows of the search table
 * (one per leaf field and relation, each written and indexed when an entity
 * is stitched), relations, and the size of a stitched entity.
 */
import { JsonObject } from '@backstage/types';
import knexFactory from 'knex';

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
}
