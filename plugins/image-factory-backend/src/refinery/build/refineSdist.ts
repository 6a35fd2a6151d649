import { createHash } from 'crypto';
import { isError } from '@backstage/errors';
import Dockerode from 'dockerode';
import type { WheelPublisher } from '../WheelPublisher';
import type { WheelFileRecord, WheelFileStore } from '../store/WheelFileStore';
import { BuildFailure, classifyBuildFailure } from './classifyBuildFailure';
import {
  BuildHints,
  describeHints,
  HintRule,
  hintsAfter,
  hintsFor,
} from './hints';
import { runWheelBuild, validateWheelBuild } from './runWheelBuild';
import { checkWheelImports } from './checkWheelImports';
import { inspectBuilder } from './runBuilderContainer';
import type { CheckedWheel } from '../wheels/checkWheel';

/** An install-and-import check refused the wheel: it is not published. */
class ImportCheckFailed extends Error {}

/** One try of a build, with the hints it had and how it ended. */
export interface WheelBuildAttempt {
  attempt: number;
  hints: BuildHints;
  durationMs: number;
  /** Whether the builder ran through QEMU (a foreign platform). */
  emulated: boolean;
  failure?: BuildFailure;
}

/** What refining one sdist for one target came to. */
export interface RefineResult {
  /** `reused`: a wheel of the same inputs was published before; nothing ran. */
  status: 'published' | 'reused' | 'failed';
  buildKey: string;
  attempts: WheelBuildAttempt[];
  files: WheelFileRecord[];
  /** Why it failed, from its last attempt. */
  failure?: BuildFailure;
}

export interface RefineRequest {
  docker: Dockerode;
  publisher: WheelPublisher;
  files: Pick<WheelFileStore, 'findByBuildKey'>;
  /** The builder image; its engine image id goes into the build key. */
  builder: string;
  platform: string;
  /** The PEP 503 name of the project the sdist is of. */
  project: string;
  sdist: { filename: string; bytes: Buffer };
  /** Wheels of its build requirements built in earlier rounds; part of the build key. */
  buildDependencies?: Array<{ filename: string; bytes: Buffer }>;
  hintRules: HintRule[];
  timeoutMs: number;
  /**
   * The image each wheel is installed and imported in before it is
   * published (a fresh container of the target platform); default the
   * builder.
   */
  checkImage?: string;
  /** Retries of a transient failure (network, timeout) with the same hints; default 1. */
  transientRetries?: number;
  /** Waits before a transient retry; default 2 s, doubled each time. */
  backoffMs?: number;
  onLog?: (line: string) => void;
  /** Stops the build (its container is killed); refineSdist then rejects with the signal's reason. */
  signal?: AbortSignal;
}

const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

const sha256 = (data: string | Buffer) =>
  createHash('sha256').update(data).digest('hex');

/**
 * Builds the wheels of one sdist for one target and publishes them. The
 * build key (sdist bytes, builder image id, hint catalog, platform) makes a
 * re-run free: a key published before is reused without starting anything.
 * A failure is classified; a transient one is tried again as it was, a
 * deterministic one only when the hint catalog adds something for it (for
 * `fatal error: ffi.h`, libffi-dev), so that nothing fails twice the same way.
 */
export async function refineSdist(
  request: RefineRequest,
): Promise<RefineResult> {
  const firstHints = hintsFor(request.project, request.hintRules);
  validateWheelBuild({ ...request, hints: firstHints });
  const builder = await inspectBuilder(request.docker, request.builder);
  const emulated = builder.emulated;
  const buildKey = sha256(
    JSON.stringify([
      sha256(request.sdist.bytes),
      builder.id,
      request.hintRules,
      request.platform,
      // Absent rather than empty keeps the keys of builds made before.
      ...(request.buildDependencies?.length
        ? [request.buildDependencies.map(w => sha256(w.bytes)).sort()]
        : []),
    ]),
  );
  const existing = await request.files.findByBuildKey(buildKey);
  if (existing) {
    request.onLog?.(
      `Reused ${existing.filename}: built before from the same sdist, builder, hints and platform`,
    );
    return { status: 'reused', buildKey, attempts: [], files: [existing] };
  }

  const attempts: WheelBuildAttempt[] = [];
  let hints = firstHints;
  let transientLeft = request.transientRetries ?? 1;
  let backoff = request.backoffMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    request.signal?.throwIfAborted();
    request.onLog?.(
      `Attempt ${attempt}: ${request.sdist.filename} for ${request.platform}${
        emulated ? ' (QEMU)' : ''
      }, hints: ${describeHints(hints)}`,
    );
    const outcome = await runWheelBuild(request.docker, {
      builder: request.builder,
      platform: request.platform,
      sdist: request.sdist,
      buildDependencies: request.buildDependencies,
      hints,
      timeoutMs: request.timeoutMs,
      onLog: request.onLog,
      signal: request.signal,
    });
    request.signal?.throwIfAborted();
    if (outcome.exitCode === 0 && !outcome.timedOut && outcome.wheels.length) {
      attempts.push({
        attempt,
        hints,
        durationMs: outcome.durationMs,
        emulated,
      });
      const files: WheelFileRecord[] = [];
      for (const wheel of outcome.wheels) {
        const verify = async (checked: CheckedWheel) => {
          const check = await checkWheelImports(request.docker, {
            image: request.checkImage ?? request.builder,
            platform: request.platform,
            wheel,
            modules: checked.importNames,
            timeoutMs: request.timeoutMs,
            onLog: request.onLog,
            signal: request.signal,
          });
          request.signal?.throwIfAborted();
          if (!check.passed) throw new ImportCheckFailed(check.error!);
        };
        try {
          const { file } = await request.publisher.publish(
            wheel.filename,
            wheel.bytes,
            {
              platform: request.platform,
              buildKey,
              builderId: builder.id,
              verify,
            },
          );
          request.onLog?.(`Published ${file.filename} (sha256 ${file.sha256})`);
          files.push(file);
        } catch (e) {
          // A wheel the checks refuse is this build's failure, not the run's.
          if (
            !(
              e instanceof ImportCheckFailed ||
              (isError(e) && e.name === 'InputError')
            )
          ) {
            throw e;
          }
          const failure: BuildFailure = {
            cause:
              e instanceof ImportCheckFailed ? 'import-check' : 'wheel-check',
            transient: false,
            message: e.message,
          };
          attempts[attempts.length - 1].failure = failure;
          request.onLog?.(`Not published: ${e.message}`);
          return { status: 'failed', buildKey, attempts, files, failure };
        }
      }
      return { status: 'published', buildKey, attempts, files };
    }
    const failure = classifyBuildFailure(outcome.log, outcome);
    attempts.push({
      attempt,
      hints,
      durationMs: outcome.durationMs,
      emulated,
      failure,
    });
    request.onLog?.(
      `Attempt ${attempt} failed (${failure.cause}): ${failure.message}`,
    );
    if (failure.transient && transientLeft > 0) {
      transientLeft--;
      request.onLog?.(`Transient: trying again in ${backoff} ms`);
      await sleep(backoff);
      backoff *= 2;
      continue;
    }
    const next = failure.transient
      ? undefined
      : hintsAfter(request.project, failure, hints, request.hintRules);
    if (!next) {
      return { status: 'failed', buildKey, attempts, files: [], failure };
    }
    request.onLog?.(`A hint applies: ${describeHints(next)}`);
    hints = next;
  }
}
