import { assertError } from '@backstage/errors';
import {
  ImageStageCheck,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';
import {
  ImageFactoryContainerRunResult,
  ImageFactoryPushAuth,
} from '@image-factory/plugin-image-factory-node';
import { PooledExecutor, placePlatforms } from '../../builds';
import { StageCheckResult } from '../../database';
import { describeResult, summarize } from './describeResult';
import {
  CheckRun,
  DEFAULT_CHECK_TIMEOUT,
  planCheckRuns,
  VersionUnderTest,
} from './planCheckRuns';

/**
 * Where a verification writes its log. The builds' `BuildLog` fits (opened
 * on a `VerificationLogStore`): container lines go to its `build` stream,
 * the factory's own to `system`.
 */
export interface VerificationLogSink {
  system(text: string, platform?: string): void;
  build(platform: string, text: string): void;
}

/** What {@link runStageChecks} needs. */
export interface StageChecksRequest {
  checks: ImageStageCheck[];
  version: VersionUnderTest;
  /** The executors (an `ExecutorPool`); those with `runContainer` run checks. */
  executors: { candidates(): Promise<PooledExecutor[]> };
  /**
   * Engine credentials for a registry host (`RunRegistryAccess.engineAuth`,
   * which also hands the secret to the log to remove); undefined: anonymous.
   */
  pullAuth(host: string): Promise<ImageFactoryPushAuth | undefined>;
  log: VerificationLogSink;
  /** Stops the verification: the running container is killed, the rest not run. */
  signal?: AbortSignal;
}

/** The outcome of a stage's checks for one version. */
export interface StageChecksOutcome {
  /** True when every check passed on every platform. */
  passed: boolean;
  /** One per check and platform, in order. */
  results: StageCheckResult[];
  /** One line a person reads: `smoke on linux/s390x exited 3`. */
  summary: string;
}

type Runner = PooledExecutor & {
  executor: {
    runContainer: NonNullable<PooledExecutor['executor']['runContainer']>;
  };
};

function runsContainers(pooled: PooledExecutor): pooled is Runner {
  return typeof pooled.executor.runContainer === 'function';
}

/**
 * Runs each check on each of its platforms, one after the other, on an
 * executor that has the platform (natively before through QEMU, as builds
 * are placed), and tells how each went. A check that cannot run (image not
 * pullable, no executor) is an `error` result, not a rejection; input that
 * is wrong before anything runs is an `InputError` naming the field.
 */
export async function runStageChecks(
  request: StageChecksRequest,
): Promise<StageChecksOutcome> {
  const runs = planCheckRuns(request.checks, request.version);
  const runners = (await request.executors.candidates()).filter(runsContainers);
  const { log, signal } = request;
  const results: StageCheckResult[] = [];
  for (const run of runs) {
    if (signal?.aborted) {
      results.push(notRun(run, 'not run: the verification was cancelled'));
      continue;
    }
    const result = await runOne(run, runners, request);
    log.system(describeResult(result), run.platform);
    results.push(result);
  }
  const outcome = summarize(results);
  log.system(outcome.summary);
  return outcome;
}

function notRun(run: CheckRun, error: string): StageCheckResult {
  return {
    check: run.check.name,
    platform: run.platform,
    status: 'error',
    durationMs: 0,
    error,
  };
}

async function runOne(
  run: CheckRun,
  runners: Runner[],
  request: StageChecksRequest,
): Promise<StageCheckResult> {
  if (run.problem) return notRun(run, run.problem);
  const declaring = runners.filter(r => r.platforms.includes(run.platform));
  if (declaring.length === 0) {
    return notRun(
      run,
      `no executor runs containers for ${run.platform} (${
        runners.map(r => `${r.id} [${r.platforms.join(', ')}]`).join('; ') ||
        'none runs containers'
      })`,
    );
  }
  const [placement] = placePlatforms([run.platform], declaring);
  const runner = declaring.find(r => r.id === placement.executor)!;
  const base = {
    check: run.check.name,
    platform: run.platform,
    executor: runner.id,
    emulated: placement.emulated,
  };
  request.log.system(
    `Check ${run.check.name} on ${run.platform}: running ${
      run.image
    } on executor ${runner.id}${
      placement.emulated ? ' (emulated through QEMU)' : ''
    }, timeout ${run.check.timeout ?? DEFAULT_CHECK_TIMEOUT}`,
    run.platform,
  );
  const started = Date.now();
  let result: ImageFactoryContainerRunResult;
  try {
    const pullAuth = await request.pullAuth(parseImageRef(run.image).registry);
    result = await runner.slots.use(() =>
      runner.executor.runContainer({
        image: run.image,
        platform: run.platform,
        command: run.check.command,
        env: run.check.env,
        pullAuth,
        timeoutMs: run.timeoutMs,
        signal: request.signal,
        onLog: line =>
          request.log.build(run.platform, `[${run.check.name}] ${line}`),
      }),
    );
  } catch (e) {
    assertError(e);
    return {
      ...base,
      status: 'error',
      durationMs: Date.now() - started,
      error: e.message,
    };
  }
  let status: StageCheckResult['status'] = 'failed';
  if (result.timedOut) status = 'timedOut';
  else if (result.exitCode === 0) status = 'passed';
  return {
    ...base,
    status,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
  };
}
