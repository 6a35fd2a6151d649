import { Knex } from 'knex';
import { BuildLogStore, DatabaseBuildLogStore } from './BuildLogStore';

/**
 * The log lines of stage verifications, in the shape of build logs: a
 * {@link BuildLogStore} on `stage_verification_logs` keyed by verification
 * id, so that the builds' `BuildLog` (batching, secret removal, line cap)
 * writes it and the log readers serve it.
 */
export type VerificationLogStore = BuildLogStore;

/** Creates the {@link VerificationLogStore} on the plugin's database. */
export function createVerificationLogStore(options: {
  client: Knex;
}): VerificationLogStore {
  return DatabaseBuildLogStore.create({
    client: options.client,
    table: 'stage_verification_logs',
    keyColumn: 'verification_id',
  });
}
