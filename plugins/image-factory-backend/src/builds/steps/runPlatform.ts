import { BuildPlatformResult } from '@image-factory/plugin-image-factory-common';
import {
  ImageFactoryBuildRequest,
  isSelfPushingExecutor,
} from '@image-factory/plugin-image-factory-node';
import { platformPushedLine } from '../digestLogLines';
import { PooledExecutor } from '../ExecutorPool';
import { labelPushedImage, PushedManifest } from '../labelPushedImage';
import { Placement } from '../placement';
import { PlatformManifest } from '../reusablePlatforms';
import { withRetries } from '../retry';
import { platformTag } from '../runTags';
import { ActiveRun, retryOptions } from './activeRun';
import { buildAndPushPlatform } from './buildAndPushPlatform';
import { buildPlatform } from './buildPlatform';
import { pushPlatform } from './pushPlatform';
import { recordPlatform } from './recordRun';
import { verifyPushedManifest } from './verifyPushedManifest';

/** A platform built and pushed, with its manifest as the image index lists it. */
export type BuiltPlatform = BuildPlatformResult & {
  digest: string;
  pushed: PlatformManifest;
};

/** What the executor pushed: the manifest's digest and how long build and push took. */
interface Pushed {
  digest: string;
  buildDurationMs: number;
  pushDurationMs?: number;
}

/**
 * One platform, from build to a labelled manifest in the registry: built on
 * its executor and pushed by the run (an engine executor), or built and
 * pushed by the executor itself and checked in the registry (a self-pushing
 * one); then labelled. The platform's state is recorded as it goes.
 */
export async function runPlatform(
  run: ActiveRun,
  options: {
    placement: Placement;
    pooled: PooledExecutor;
    contextDir: string;
    dockerfile: string;
    labels: Record<string, string>;
    signal: AbortSignal;
  },
): Promise<BuiltPlatform> {
  const { placement, pooled, signal } = options;
  const { platform } = placement;
  const { spec } = run.image;
  const running: BuildPlatformResult = {
    platform,
    status: 'running',
    executor: placement.executor,
    emulated: placement.emulated,
  };
  await recordPlatform(run, running);

  const tagName = platformTag(spec.tag ?? 'latest', platform);
  const tag = `${spec.registry}/${spec.repository}:${tagName}`;
  // The last image of this platform is offered as cache.
  const cacheFromAuth = await run.registry.engineAuth(spec.registry);
  const request: ImageFactoryBuildRequest = {
    contextDir: options.contextDir,
    dockerfile: options.dockerfile,
    platform,
    tag,
    cacheFrom: [tag],
    ...(cacheFromAuth ? { cacheFromAuth, pullAuth: [cacheFromAuth] } : {}),
    buildArgs: spec.buildArgs,
    onLog: line => run.ctx.log.build(platform, line),
    signal,
  };
  const repository = { registry: spec.registry, repository: spec.repository };
  const { executor } = pooled;
  // A full executor says so in the log once, and a cancel stops the wait.
  const waitFor = {
    signal,
    onWait: (why: string) =>
      run.ctx.log.system(
        `${platform} waits for a slot on ${placement.executor}: ${why}`,
        platform,
      ),
  };
  let pushed: Pushed;
  if (isSelfPushingExecutor(executor)) {
    const result = await pooled.slots.use(
      () => buildAndPushPlatform(run, executor, request),
      waitFor,
    );
    run.ctx.log.system(
      `${placement.executor} built and pushed ${platform} in ${seconds(
        result.buildDurationMs + (result.pushDurationMs ?? 0),
      )} s as ${result.digest}; checking it in the registry`,
      platform,
    );
    await run.registry.withAuth(spec.registry, platform, () =>
      withRetries(
        () =>
          verifyPushedManifest(
            run.registry.client(),
            repository,
            result.digest,
            platform,
          ),
        retryOptions(run, `Checking ${platform}`, signal, platform),
      ),
    );
    pushed = result;
  } else {
    const built = await pooled.slots.use(
      () => buildPlatform(run, executor, request),
      waitFor,
    );
    run.ctx.log.system(
      `Built ${platform} in ${seconds(built.durationMs)} s; pushing ${tag}`,
      platform,
    );
    const result = await pushPlatform(run, executor, {
      platform,
      tag,
      signal,
    });
    pushed = {
      digest: result.digest,
      buildDurationMs: built.durationMs,
      pushDurationMs: result.durationMs,
    };
  }
  const labelled = await labelPlatform(run, {
    platform,
    tagName,
    digest: pushed.digest,
    labels: options.labels,
    signal,
  });
  run.ctx.log.system(
    platformPushedLine({
      platform,
      engineDigest: pushed.digest,
      manifestDigest: labelled.digest,
      durationMs: pushed.pushDurationMs ?? 0,
    }),
    platform,
  );
  const result = {
    ...running,
    status: 'succeeded' as const,
    digest: labelled.digest,
    buildDurationMs: pushed.buildDurationMs,
    ...(pushed.pushDurationMs !== undefined
      ? { pushDurationMs: pushed.pushDurationMs }
      : {}),
  };
  await recordPlatform(run, result);
  return { ...result, pushed: { platform, ...labelled } };
}

/** Labels go into the pushed config rather than into the build (see labelPushedImage). */
function labelPlatform(
  run: ActiveRun,
  options: {
    platform: string;
    tagName: string;
    digest: string;
    labels: Record<string, string>;
    signal: AbortSignal;
  },
): Promise<PushedManifest> {
  const { spec } = run.image;
  const { platform } = options;
  const repository = { registry: spec.registry, repository: spec.repository };
  return run.registry.withAuth(spec.registry, platform, () =>
    withRetries(
      () =>
        labelPushedImage(
          run.registry.client(),
          repository,
          options.digest,
          options.tagName,
          options.labels,
        ),
      retryOptions(run, `Labelling ${platform}`, options.signal, platform),
    ),
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
