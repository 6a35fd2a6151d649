import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const MIGRATIONS_DIR = resolvePackagePath(
  '@image-factory/plugin-image-factory-backend',
  'migrations',
);

/**
 * Gets the plugin's knex client and runs its migrations, unless the operator
 * runs them separately (`backend.database.plugin.image-factory.migrations.skip`).
 */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: MIGRATIONS_DIR });
  }
  return client;
}
