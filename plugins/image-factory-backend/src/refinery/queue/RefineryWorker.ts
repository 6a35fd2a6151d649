import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { parseShortDuration } from '@image-factory/plugin-image-factory-common';
import Dockerode from 'dockerode';
import { randomBytes, randomUUID } from 'crypto';
import os from 'os';
import { BuildLog, redactor } from '../../builds';
import { BuildEvents } from '../../builds/BuildEvents';
import { LeaseLostError } from '../../builds/runContext';
import type { BuildLogStore } from '../../database';
import { buildDependencyWheels } from '../build/buildDependencyWheels';
import type { BuilderImages } from '../builders/BuilderImages';
import type { ResolutionCache } from '../plan/ResolutionCache';
import { downloadSdist } from '../build/downloadSdist';
import { describeHints, hintRulesOf } from '../build/hints';
import { refineSdist, RefineResult } from '../build/refineSdist';
import { planWheelSet } from '../plan/planWheelSet';
import type { RefineryMetrics } from '../RefineryMetrics';
import type { WheelFileStore } from '../store/WheelFileStore';
import type { WheelPublisher } from '../WheelPublisher';
import {
  NewRefineryJob,
  RefineryJobEnd,
  RefineryRunStore,
} from './RefineryRunStore';
import { RefineryJobRecord, RefineryRunRecord } from './rows';

class ShuttingDown extends Error {
  name = 'ShuttingDown';
}

class Cancelled extends Error {
  name = 'Cancelled';
}

/** How the refinery's workers take work. */
export interface RefineryWorkerConfig {
  /** Plans and builds at once on this backend. */
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  /** Claims of one plan or build before a stopped backend's work fails as interrupted. */
  maxAttempts: number;
}

function jobEnd(result: RefineResult): RefineryJobEnd {
  return {
    status: result.status === 'published' ? 'built' : result.status,
    ...(result.failure && {
      cause: result.failure.cause,
      error: result.failure.message,
    }),
    ...(result.attempts.length && { emulated: result.attempts[0].emulated }),
    tries: result.attempts.map(a => ({
      attempt: a.attempt,
      hints: describeHints(a.hints),
      durationMs: a.durationMs,
      emulated: a.emulated,
      ...(a.failure && { cause: a.failure.cause, message: a.failure.message }),
    })),
    files: result.files.map(f => f.filename),
  };
}

/** The plan of the job's target. */
function targetOf(run: RefineryRunRecord, job: RefineryJobRecord) {
  return run.plan?.find(
    t => t.python === job.python && t.platform === job.platform,
  );
}

/** The builds of the job's target its build needs first, with the versions planned. */
function buildAfterOf(run: RefineryRunRecord, job: RefineryJobRecord) {
  const target = targetOf(run, job);
  const item = target?.items.find(i => i.project === job.project);
  return (item?.buildAfter ?? []).flatMap(project => {
    const need = target!.items.find(i => i.project === project);
    return need ? [{ project, version: need.version }] : [];
  });
}

/**
 * Takes refinery work from the queue: runs to plan (pip's resolver per
 * target) and builds (one sdist for one target), as many at once as
 * `concurrency`. Each is leased and the lease renewed while it runs; a
 * backend that stops gives its work back, and work whose backend died is
 * recovered by the next poll of any backend.
 */
export class RefineryWorker {
  readonly owner: string;
  private readonly running = new Map<
    string,
    { controller: AbortController; done: Promise<void> }
  >();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private started = false;
  private stopped = false;

  constructor(
    private readonly options: {
      store: RefineryRunStore;
      logs: BuildLogStore;
      docker: Dockerode;
      files: WheelFileStore;
      publisher: WheelPublisher;
      /** The builder image of each platform (\`imageFactory.refinery.builders\`). */
      builders: Record<string, string>;
      /** Chooses each target's builder (a set's factory-built image); absent: the configured ones. */
      builderImages?: BuilderImages;
      /** pip's last resolutions, reused while their inputs are unchanged. */
      resolutions?: ResolutionCache;
      events: BuildEvents;
      config: RefineryWorkerConfig;
      logger: LoggerService;
      metrics?: RefineryMetrics;
      clock?: () => Date;
      owner?: string;
      /** Told when a run ended or a build published wheels (catalog refresh). */
      onChanged?: () => void;
    },
  ) {
    this.owner =
      options.owner ??
      `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  private now() {
    return this.options.clock?.() ?? new Date();
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** Looks at the queue now (a run was asked for). */
  wake(): void {
    if (this.started && !this.stopped) this.schedule(0);
  }

  /** One look at the queue; resolves once what it claimed has started. */
  async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.poll().finally(() => {
      this.ticking = undefined;
      if (this.started && !this.stopped) {
        this.schedule(this.options.config.pollIntervalMs);
      }
    });
    return this.ticking;
  }

  /** Resolves when nothing of this worker runs. */
  async idle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running.values()].map(r => r.done));
    }
  }

  /** Stops polling; what it holds is stopped and goes back to the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const { controller } of this.running.values()) {
      controller.abort(new ShuttingDown('the backend is stopping'));
    }
    await this.ticking?.catch(() => {});
    await this.idle();
  }

  /** Stops the plans and builds of these ids this backend runs (their run was cancelled). */
  cancel(ids: string[], reason: string): void {
    for (const id of ids) {
      this.running.get(id)?.controller.abort(new Cancelled(reason));
    }
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async poll(): Promise<void> {
    const { store, config, logger, events } = this.options;
    try {
      const recovered = await store.recoverExpired({
        now: this.now(),
        maxAttempts: config.maxAttempts,
      });
      for (const [kind, ids] of Object.entries(recovered)) {
        for (const [outcome, list] of Object.entries(ids)) {
          for (const id of list) {
            logger.warn(
              `Recovered a refinery ${kind.slice(0, -1)} whose lease expired`,
              {
                id,
                outcome,
              },
            );
            events.changed(id);
          }
        }
      }
      const lease = {
        owner: this.owner,
        leaseMs: config.leaseMs,
        now: this.now(),
      };
      while (!this.stopped && this.running.size < config.concurrency) {
        const runId = await store.runLeases.claim(lease);
        if (runId) {
          this.begin(runId, signal => this.plan(runId, signal));
          continue;
        }
        const jobId = await store.jobLeases.claim(lease);
        if (!jobId) break;
        this.begin(jobId, signal => this.build(jobId, signal));
      }
    } catch (e) {
      assertError(e);
      logger.warn('Polling the refinery queue failed', { error: e.message });
    }
  }

  private begin(id: string, work: (signal: AbortSignal) => Promise<void>) {
    const controller = new AbortController();
    const leases = this.options.store;
    const heartbeat = setInterval(async () => {
      try {
        const renew = {
          id,
          owner: this.owner,
          leaseMs: this.options.config.leaseMs,
          now: this.now(),
        };
        const held =
          (await leases.runLeases.renew(renew)) ||
          (await leases.jobLeases.renew(renew));
        if (!held) {
          // A user cancelled it (on any backend), or another backend took it.
          const row = (await leases.getRun(id)) ?? (await leases.getJob(id));
          controller.abort(
            row?.status === 'cancelled'
              ? new Cancelled(row.error ?? 'Cancelled')
              : new LeaseLostError('The lease was lost'),
          );
        }
      } catch (e) {
        assertError(e);
        this.options.logger.warn('Renewing a refinery lease failed', {
          error: e.message,
        });
      }
    }, Math.max(1_000, Math.floor(this.options.config.leaseMs / 3)));
    const done = work(controller.signal)
      .catch(e => {
        assertError(e);
        this.options.logger.error('Refinery work crashed', {
          id,
          error: e.message,
        });
      })
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(id);
        this.options.events.changed(id);
        this.wake();
      });
    this.running.set(id, { controller, done });
  }

  private async openLog(id: string) {
    return BuildLog.open({
      runId: id,
      store: this.options.logs,
      logger: this.options.logger,
      redact: redactor(new Set()),
      onWritten: () => this.options.events.changed(id),
      clock: () => this.now(),
    });
  }

  /** What to do when work stopped on a signal: give it back, or let it go. */
  private async givenBackIfStopped(
    signal: AbortSignal,
    release: () => Promise<boolean>,
    log: BuildLog,
  ): Promise<boolean> {
    if (!signal.aborted) return false;
    if (signal.reason instanceof Cancelled) {
      log.system(`${signal.reason.message}; stopped`);
      await log.flush();
    } else if (signal.reason instanceof ShuttingDown) {
      log.system('The backend is stopping; this goes back to the queue');
      await log.flush();
      await release();
    } else {
      log.system('This backend lost the lease and stopped');
      await log.flush();
    }
    return true;
  }

  private async plan(runId: string, signal: AbortSignal) {
    const { store, events } = this.options;
    const run = (await store.getRun(runId)) as RefineryRunRecord;
    const log = await this.openLog(runId);
    events.changed(runId);
    log.system(
      `Planning wheel set ${run.setName} (attempt ${run.attempts}) on ${this.owner}`,
    );
    try {
      const plans = await planWheelSet({
        docker: this.options.docker,
        files: this.options.files,
        set: run.wheelSet,
        builders: this.options.builders,
        builderImages: this.options.builderImages,
        signal,
        resolutions: this.options.resolutions,
        onLog: line => log.system(line),
      });
      signal.throwIfAborted();
      const jobs: NewRefineryJob[] = [];
      for (const p of plans) {
        p.rounds.forEach((round, index) => {
          for (const project of round) {
            const d = p.distributions.find(x => x.project === project)!;
            jobs.push({
              id: randomUUID(),
              python: p.python,
              platform: p.platform,
              project,
              version: d.version,
              round: index,
              sdistUrl: d.url,
              sdistSha256: d.sha256,
            });
          }
        });
      }
      log.system(
        jobs.length
          ? `${jobs.length} builds planned`
          : 'Nothing to build: every wheel exists upstream or in the refinery',
      );
      await log.flush();
      await store.planned({
        id: runId,
        owner: this.owner,
        plan: plans.map(({ distributions, ...plan }) => plan),
        jobs,
        now: this.now(),
      });
    } catch (e) {
      assertError(e);
      if (
        await this.givenBackIfStopped(
          signal,
          () => store.runLeases.release(runId, this.owner),
          log,
        )
      ) {
        return;
      }
      log.system(`Planning failed: ${e.message}`);
      await log.flush();
      await store.planFailed({
        id: runId,
        owner: this.owner,
        error: `Planning failed: ${e.message}`,
        now: this.now(),
      });
    }
    this.changedRun(runId);
  }

  private async build(jobId: string, signal: AbortSignal) {
    const { store, events } = this.options;
    const job = (await store.getJob(jobId)) as RefineryJobRecord;
    const run = (await store.getRun(job.runId)) as RefineryRunRecord;
    const log = await this.openLog(jobId);
    events.changed(jobId);
    events.changed(job.runId);
    log.system(
      `Building ${job.project} ${job.version} for ${job.python} ${job.platform} (attempt ${job.attempts}) on ${this.owner}`,
    );
    let end: RefineryJobEnd;
    try {
      // The plan chose the builder (and with it the build's key); runs
      // planned before builders were recorded take the configured one.
      const builder =
        targetOf(run, job)?.builder ?? this.options.builders[job.platform];
      if (!builder) {
        throw new Error(`No builder for ${job.platform}`);
      }
      await this.options.builderImages?.ensurePresent(
        builder,
        job.platform,
        signal,
      );
      const sdist = await downloadSdist({
        url: job.sdistUrl,
        sha256: job.sdistSha256,
      });
      log.system(`Downloaded ${sdist.filename} (${sdist.bytes.length} bytes)`);
      const buildDependencies = await buildDependencyWheels(
        this.options.publisher,
        buildAfterOf(run, job),
        job.platform,
      );
      const result = await refineSdist({
        docker: this.options.docker,
        publisher: this.options.publisher,
        files: this.options.files,
        builder,
        platform: job.platform,
        project: job.project,
        sdist,
        buildDependencies,
        hintRules: hintRulesOf(run.wheelSet),
        timeoutMs: parseShortDuration(run.wheelSet.timeout)!,
        onLog: line => log.build(job.platform, line),
        signal,
      });
      this.options.metrics?.refined(job.platform, result);
      end = jobEnd(result);
    } catch (e) {
      assertError(e);
      if (
        await this.givenBackIfStopped(
          signal,
          () => store.jobLeases.release(jobId, this.owner),
          log,
        )
      ) {
        return;
      }
      end = {
        status: 'failed',
        cause: 'unknown',
        error: e.message,
        tries: [],
        files: [],
      };
    }
    log.system(
      end.status === 'failed'
        ? `Failed (${end.cause}): ${end.error}`
        : `${end.status === 'built' ? 'Built' : 'Reused'} ${end.files.join(
            ', ',
          )}`,
    );
    await log.flush();
    await store.finishJob({
      id: jobId,
      owner: this.owner,
      end,
      now: this.now(),
    });
    this.changedRun(job.runId);
  }

  private changedRun(runId: string) {
    this.options.events.changed(runId);
    this.options.onChanged?.();
  }
}
