/*
 * One backend replica's build engine in its own process, for the
 * multi-replica tests: the queue worker, the real dockerd executor and the
 * registry, on the PostgreSQL database the test gives. It prints one JSON
 * line per event on stdout: `ready`, `finished` (with the run), `stopped`.
 * SIGTERM stops it as a backend shutdown does (runs given back to the
 * queue); SIGKILL is a crash.
 */
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import knexFactory from 'knex';
import { createBuildEngine } from '../../builds/createBuildEngine';
import { readBuildsConfig } from '../../builds/readBuildsConfig';

/** What the test gives a replica, as JSON in `REPLICA_OPTIONS`. */
export interface ReplicaOptions {
  name: string;
  connection: object;
  config: object;
  images: ImageEntityV1alpha1[];
}

function emit(event: object) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const quiet: LoggerService = {
  error: (message, meta) =>
    emit({ log: 'error', message, meta: String(meta ?? '') }),
  warn: message => emit({ log: 'warn', message }),
  info() {},
  debug() {},
  child: () => quiet,
};

async function main() {
  const options: ReplicaOptions = JSON.parse(process.env.REPLICA_OPTIONS!);
  const client = knexFactory({ client: 'pg', connection: options.connection });
  const config = new ConfigReader(options.config as never);
  const urlReader = UrlReaders.default({ config, logger: quiet });
  const engine = createBuildEngine({
    config: readBuildsConfig(config),
    providers: readProvidersConfig(config),
    moduleExecutors: [],
    credentialProviders: [],
    client,
    urlReader,
    images: () => options.images,
    logger: quiet,
    workerOwner: `${options.name}-${process.pid}`,
    onRunFinished: async run => emit({ finished: run }),
  });
  process.on('SIGTERM', () => {
    void engine.worker
      .stop()
      .then(() => client.destroy())
      .then(() => {
        emit({ stopped: options.name });
        process.exit(0);
      });
  });
  engine.worker.start();
  emit({ ready: options.name, pid: process.pid });
}

main().catch(error => {
  emit({ log: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
});
