import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { randomBytes } from 'crypto';
import os from 'os';
import {
  BuildLogStore,
  BuildRunEnd,
  BuildRunRecord,
  BuildStore,
} from '../database';
import { BuildEvents } from './BuildEvents';
import { BuildLog } from './BuildLog';
import { redactor } from './redactor';
import { BuildRunner } from './BuildRunner';
import { LeaseLostError } from './runContext';
import { errorTypeOf } from './errors';
import { BuildsConfig } from './readBuildsConfig';
import { RegistryCredentialSource } from './RegistryCredentialSource';

/** Why a worker stopped a run it holds. */
class CancelRequested extends Error {
  name = 'CancelRequested';
}
class ShuttingDown extends Error {
  name = 'ShuttingDown';
}

function summary(end: BuildRunEnd): string {
  switch (end.status) {
    case 'succeeded':
      return `Run succeeded: image index ${end.indexDigest}`;
    case 'skipped':
      return `Run skipped: ${end.reason}`;
    default:
      return `Run ${end.status}: ${end.reason}`;
  }
}

/**
 * Takes runs from the queue and builds them, as many at once as
 * `concurrentRuns`. Each claimed run has a lease that the worker renews
 * while it builds; when the renewal fails (the backend stalled and another
 * took the run over) the build is stopped, so a run never builds twice at
 * once. Expired leases of backends that stopped are recovered on every poll.
 * On shutdown the runs it holds are stopped and go back to the queue.
 */
export class BuildWorker {
  readonly owner: string;
  private readonly running = new Map<
    string,
    { controller: AbortController; done: Promise<void> }
  >();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private tickAgain = false;
  private started = false;
  private stopped = false;

  constructor(
    private readonly options: {
      store: BuildStore;
      logs: BuildLogStore;
      runner: BuildRunner;
      events: BuildEvents;
      credentials: RegistryCredentialSource;
      config: Pick<
        BuildsConfig,
        'concurrentRuns' | 'maxAttempts' | 'leaseDurationMs' | 'pollIntervalMs'
      >;
      logger: LoggerService;
      clock?: () => Date;
      /** Names this backend in leases. Default: host, pid and a random part. */
      owner?: string;
      /** Told of each run this worker finished (metrics, catalog events); errors are logged. */
      onFinished?: (runId: string) => Promise<void>;
    },
  ) {
    this.owner =
      options.owner ??
      `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  /** Starts polling the queue. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** Looks at the queue now, e.g. after a run was queued. */
  wake(): void {
    if (this.started && !this.stopped) this.schedule(0);
  }

  /**
   * One look at the queue: recovers expired leases, stops runs whose
   * cancellation was asked for, and claims runs up to `concurrentRuns`.
   * Resolves once the claimed runs have started, not when they end.
   */
  async tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.ticking = this.poll().finally(() => {
      this.ticking = undefined;
      const again = this.tickAgain;
      this.tickAgain = false;
      if (this.started && !this.stopped) {
        this.schedule(again ? 0 : this.options.config.pollIntervalMs);
      }
    });
    return this.ticking;
  }

  /** Resolves when no run of this worker is building. */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running.values()].map(r => r.done));
    }
  }

  /** Stops a run this worker builds; false when it builds no such run. */
  cancel(runId: string): boolean {
    const entry = this.running.get(runId);
    if (!entry) return false;
    entry.controller.abort(new CancelRequested('cancelled by request'));
    return true;
  }

  /** Stops polling, stops the runs it holds and gives them back to the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const { controller } of this.running.values()) {
      controller.abort(new ShuttingDown('the backend is stopping'));
    }
    await this.ticking?.catch(() => {});
    await this.idle();
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async poll(): Promise<void> {
    const { store, config, logger } = this.options;
    try {
      const recovered = await store.recoverExpired({
        now: this.now(),
        maxAttempts: config.maxAttempts,
      });
      for (const [outcome, ids] of Object.entries(recovered)) {
        for (const runId of ids) {
          logger.warn('Recovered a build run whose lease expired', {
            runId,
            outcome,
          });
          this.options.events.changed(runId);
        }
      }
      for (const runId of await store.cancelRequested(this.owner)) {
        this.cancel(runId);
      }
      while (!this.stopped && this.running.size < config.concurrentRuns) {
        const record = await store.claim({
          owner: this.owner,
          leaseMs: config.leaseDurationMs,
          now: this.now(),
        });
        if (!record) break;
        this.begin(record);
      }
    } catch (e) {
      assertError(e);
      logger.warn('Polling the build queue failed', { error: e.message });
    }
  }

  private begin(record: BuildRunRecord) {
    const controller = new AbortController();
    const done = this.execute(record, controller)
      .catch(e => {
        assertError(e);
        this.options.logger.error('Build run crashed', {
          runId: record.id,
          error: e.message,
        });
      })
      .finally(() => {
        this.running.delete(record.id);
        this.wake();
      });
    this.running.set(record.id, { controller, done });
  }

  private async execute(record: BuildRunRecord, controller: AbortController) {
    const { store, events, config } = this.options;
    const logger = this.options.logger.child({
      runId: record.id,
      image: record.imageName,
    });
    const secrets = new Set(this.options.credentials.secrets());
    const log = await BuildLog.open({
      runId: record.id,
      store: this.options.logs,
      logger,
      redact: redactor(secrets),
      onWritten: () => events.changed(record.id),
      clock: () => this.now(),
    });
    events.changed(record.id);
    logger.info('Build run started', {
      attempt: record.attempts,
      cause: record.cause,
    });
    log.system(
      `Attempt ${record.attempts} of run ${record.id} started on ${this.owner}`,
    );

    const heartbeat = setInterval(async () => {
      try {
        const held = await store.renewLease({
          id: record.id,
          owner: this.owner,
          leaseMs: config.leaseDurationMs,
          now: this.now(),
        });
        if (!held) {
          controller.abort(new LeaseLostError('The lease on the run was lost'));
        }
      } catch (e) {
        // A database hiccup: the next renewal may pass before the lease ends.
        assertError(e);
        logger.warn('Renewing a build lease failed', { error: e.message });
      }
    }, Math.max(1_000, Math.floor(config.leaseDurationMs / 3)));

    let end: BuildRunEnd | undefined;
    try {
      end = await this.options.runner.run(record, {
        owner: this.owner,
        signal: controller.signal,
        log,
        secrets,
      });
    } catch (e) {
      assertError(e);
      const why = controller.signal.aborted
        ? controller.signal.reason
        : undefined;
      if (why instanceof CancelRequested) {
        end = {
          status: 'cancelled',
          reason: 'cancelled by request',
          errorType: 'cancelled',
        };
      } else if (
        !(why instanceof ShuttingDown) &&
        !(why instanceof LeaseLostError) &&
        !(e instanceof LeaseLostError)
      ) {
        end = {
          status: 'failed',
          reason: e.message,
          errorType: errorTypeOf(e),
        };
      }
    } finally {
      clearInterval(heartbeat);
    }

    const reason = controller.signal.reason;
    if (end) {
      log.system(summary(end));
      await log.flush();
      const finished = await store.finish({
        id: record.id,
        owner: this.owner,
        end,
        now: this.now(),
      });
      if (finished) {
        logger.info('Build run finished', {
          status: end.status,
          errorType: end.errorType,
          reason: end.reason,
          indexDigest: end.indexDigest,
        });
        await this.options.onFinished?.(record.id).catch(e => {
          assertError(e);
          logger.warn('Reporting a finished build run failed', {
            error: e.message,
          });
        });
      } else {
        logger.warn('Build run finished after its lease was lost', {
          status: end.status,
        });
      }
    } else if (reason instanceof ShuttingDown) {
      log.system('The backend is stopping; the run goes back to the queue');
      await log.flush();
      await store.release({ id: record.id, owner: this.owner });
      logger.info('Build run released at shutdown');
    } else {
      log.system('This backend lost the lease on the run and stopped building');
      await log.flush();
      logger.warn('Build run stopped: the lease was lost');
    }
    events.changed(record.id);
  }
}
