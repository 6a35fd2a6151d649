/*
 * The two databases of the whole-path part: SQLite files in a temporary
 * directory (one per plugin, as the portal's default config; not :memory:,
 * which would give each knex connection its own database) and a fresh
 * PostgreSQL database per scenario, created here and dropped afterwards.
 */
import { JsonObject } from '@backstage/types';
import { randomBytes } from 'crypto';
import knexFactory from 'knex';

export type DatabaseId = 'sqlite' | 'postgres';

/** The PostgreSQL server of the test setup (`source /tmp/env.sh` sets it). */
export function postgresUrl(): string | undefined {
  return process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
}

/**
 * Makes a fresh database and returns `backend.database` for it with a
 * function that drops it.
 */
export async function createDatabase(
  id: DatabaseId,
  dir: string,
): Promise<{ config: JsonObject; drop: () => Promise<void> }> {
  if (id === 'sqlite') {
    return {
      config: { client: 'better-sqlite3', connection: { directory: dir } },
      // The files go with the directory.
      drop: async () => {},
    };
  }
  const url = postgresUrl();
  if (!url) {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
    );
  }
  const name = `bench_catalog_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw('CREATE DATABASE ??', [name]);
  await admin.destroy();
  const parsed = new URL(url);
  return {
    config: {
      client: 'pg',
      connection: {
        host: parsed.hostname,
        port: Number(parsed.port || 5432),
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
        database: name,
      },
      // One database for the scenario, one schema per plugin in it.
      pluginDivisionMode: 'schema',
    },
    drop: async () => {
      const dropper = knexFactory({ client: 'pg', connection: url });
      await dropper.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await dropper.destroy();
    },
  };
}
