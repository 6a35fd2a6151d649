import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { randomBytes, randomUUID } from 'crypto';
import { Knex } from 'knex';
import os from 'os';
import {
  BuildLog,
  engineAuth,
  ExecutorPool,
  redactor,
  RegistryCredentialSource,
} from '../../builds';
import {
  VerificationLogStore,
  VerificationStore,
  createVerificationLogStore,
} from '../../database';
import { StageVerifier } from '../gates';
import { runStageChecks } from './runStageChecks';

/** A verification is held a minute without renewal. */
const DEFAULT_LEASE_MS = 60_000;

/**
 * The stage verifier of the factory: each verification is a row (pending,
 * running, passed or failed) with its log, run on the build executors
 * (sharing their slots); a pass certifies the digest for the stage.
 */
export function createStageVerifier(options: {
  client: Knex;
  executors: ExecutorPool;
  credentials: RegistryCredentialSource;
  logger: LoggerService;
  /** Told when a verification's log or state changed. */
  onChange?: (verificationId: string) => void;
  /** Told when a verification ended. */
  onFinished?: (stage: string, passed: boolean, durationMs: number) => void;
  clock?: () => Date;
  /** How long a verification is held without renewal; renewed every third of it. */
  leaseMs?: number;
  /** This backend, as the holder of its verifications. */
  owner?: string;
}): StageVerifier & {
  store: VerificationStore;
  logs: VerificationLogStore;
  /**
   * Marks what a stopped backend left running (its lease expired) as failed
   * ("interrupted") and returns their ids; those live backends run are
   * left to them.
   */
  recover(): Promise<string[]>;
} {
  const store = VerificationStore.create({ client: options.client });
  const logs = createVerificationLogStore({ client: options.client });
  const now = options.clock ?? (() => new Date());
  const changed = (id: string) => options.onChange?.(id);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const owner =
    options.owner ??
    `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const leaseFrom = (at: Date) => new Date(at.getTime() + leaseMs);
  return {
    store,
    logs,
    async recover() {
      return (await store.interrupted(now())).map(v => v.id);
    },
    isLive: id => store.isLive(id, now()),
    async passed(image, stage, digest) {
      const latest = await store.latestFor(
        image.metadata.name,
        stage.name,
        digest,
      );
      return latest?.status === 'passed' ? latest.id : undefined;
    },
    async start({ image, stage, digest, requestedBy }) {
      const id = randomUUID();
      await store.create({
        id,
        imageName: image.metadata.name,
        stage: stage.name,
        digest,
        requestedBy,
        createdAt: now(),
        owner,
        leaseExpiresAt: leaseFrom(now()),
      });
      const secrets = new Set(options.credentials.secrets());
      const log = await BuildLog.open({
        runId: id,
        store: logs,
        logger: options.logger,
        redact: redactor(secrets),
        onWritten: () => changed(id),
        clock: now,
      });
      const reference = `${image.spec.registry}/${image.spec.repository}@${digest}`;
      const outcome = (async () => {
        const startedAt = now();
        await store.start(id, startedAt);
        changed(id);
        log.system(
          `Verifying ${reference} for ${stage.name}: ${stage.verify
            .map(c => c.name)
            .join(', ')}`,
        );
        // Held while it runs: another backend takes over only once renewals stop.
        const heartbeat = setInterval(() => {
          void store
            .renew(id, owner, leaseFrom(now()))
            .catch(e =>
              options.logger.warn(
                `Verification ${id}: lease renewal failed: ${e}`,
              ),
            );
        }, Math.max(1_000, Math.floor(leaseMs / 3)));
        heartbeat.unref();
        try {
          const result = await runStageChecks({
            checks: stage.verify,
            version: { reference, platforms: image.spec.platforms },
            executors: options.executors,
            pullAuth: async host => {
              const credentials = await options.credentials.get(host);
              if (credentials?.type === 'basic')
                secrets.add(credentials.password);
              if (credentials?.type === 'bearer')
                secrets.add(credentials.token);
              return engineAuth(host, credentials);
            },
            log,
          });
          await log.flush();
          await store.finish(id, {
            status: result.passed ? 'passed' : 'failed',
            results: result.results,
            now: now(),
          });
          options.onFinished?.(
            stage.name,
            result.passed,
            now().getTime() - startedAt.getTime(),
          );
          return { passed: result.passed, summary: result.summary };
        } catch (e) {
          assertError(e);
          log.system(`Verification failed: ${e.message}`);
          await log.flush();
          await store.finish(id, {
            status: 'failed',
            results: [],
            error: e.message,
            now: now(),
          });
          return { passed: false, summary: e.message };
        } finally {
          clearInterval(heartbeat);
          changed(id);
        }
      })();
      return { id, outcome };
    },
  };
}
