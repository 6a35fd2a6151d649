import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * What an executor reports about itself for placement and health.
 *
 * @public
 */
export interface ImageFactoryExecutorInfo {
  /** Platforms the executor builds, natively or emulated. */
  platforms: string[];
  /** The subset of `platforms` it runs through emulation (QEMU), which is slower. */
  emulatedPlatforms: string[];
  /** Builds it accepts at once. */
  concurrency: number;
  /**
   * The builder its builds use, so that a Dockerfile that needs more can be
   * refused before it is built (at enrollment and when a run starts).
   */
  builder?: ImageFactoryBuilderInfo;
}

/**
 * The builder of an executor and the Dockerfile syntax it reads.
 *
 * @public
 */
export interface ImageFactoryBuilderInfo {
  /** `buildkit` or `classic` (Docker's builder without BuildKit). */
  builder: 'buildkit' | 'classic';
  /**
   * For BuildKit, the version of its built-in Dockerfile frontend (`1.2` in
   * Docker 20.10), which decides what a Dockerfile without `# syntax=` may use.
   */
  dockerfileFrontend?: string;
  /** For people: `Docker 20.10.24 BuildKit (Dockerfile frontend 1.2)`. */
  description: string;
}

/**
 * One platform's build of an image from a local build context.
 *
 * @public
 */
export interface ImageFactoryBuildRequest {
  /** Absolute path of the build context directory (a checkout at a revision). */
  contextDir: string;
  /** The Dockerfile, relative to `contextDir` (`Dockerfile`, `docker/app.Dockerfile`). */
  dockerfile: string;
  /** The one platform to build, as `os/arch[/variant]` (`linux/amd64`, `linux/s390x`). */
  platform: string;
  /** The reference to tag the result with (`registry/repository:tag`), pushed later by {@link ImageFactoryExecutor.push}. */
  tag: string;
  /** `ARG` values. */
  buildArgs?: Record<string, string>;
  /** Image labels, e.g. `org.opencontainers.image.source`, `.revision`, `.created`. */
  labels?: Record<string, string>;
  /**
   * Images whose layers the build may reuse (earlier builds of the same
   * image); an executor that does not hold one pulls it first, when it can.
   */
  cacheFrom?: string[];
  /** Credentials to pull the `cacheFrom` images with; never logged. */
  cacheFromAuth?: ImageFactoryPushAuth;
  /**
   * Credentials for the registries the base images (`FROM`) are pulled from;
   * never logged. Each base is pulled for the build's platform, so that a
   * multi-platform base gives each platform its own image.
   */
  pullAuth?: ImageFactoryPushAuth[];
  /** Receives each line of build output, without the trailing newline. */
  onLog?: (line: string) => void;
  /** Cancels the build. */
  signal?: AbortSignal;
  /** Fails the build with a timeout error when it takes longer. Default: no limit. */
  timeoutMs?: number;
}

/**
 * The outcome of a successful {@link ImageFactoryExecutor.buildPlatform}.
 *
 * @public
 */
export interface ImageFactoryBuildResult {
  /** The built image's id on the executor (`sha256:…`, the config digest). */
  imageId: string;
  /** Wall time of the build, context upload included. */
  durationMs: number;
}

/**
 * Credentials for a push; never logged or returned by the API.
 *
 * @public
 */
export interface ImageFactoryPushAuth {
  /** The registry user. */
  username: string;
  /** The password or access token; secret. */
  password: string;
  /** The registry host the credentials are for (`ghcr.io`, `127.0.0.1:5000`). */
  serveraddress: string;
}

/**
 * Pushes one tag that {@link ImageFactoryExecutor.buildPlatform} produced.
 *
 * @public
 */
export interface ImageFactoryPushRequest {
  /** `registry/repository:tag`, as given to the build. */
  tag: string;
  /** Registry credentials. Default: anonymous. */
  auth?: ImageFactoryPushAuth;
  /** Receives each line of push progress, without the trailing newline. */
  onLog?: (line: string) => void;
  /** Cancels the push. */
  signal?: AbortSignal;
  /** Fails the push with a timeout error when it takes longer. Default: no limit. */
  timeoutMs?: number;
}

/**
 * The outcome of a successful {@link ImageFactoryExecutor.push}.
 *
 * @public
 */
export interface ImageFactoryPushResult {
  /** The digest of the pushed manifest, as the registry stores it. */
  digest: string;
  /** Wall time of the push. */
  durationMs: number;
}

/**
 * One container run on an executor, e.g. a verification check of a
 * lifecycle stage: the image is pulled for `platform`, run without a
 * network, and removed afterwards.
 *
 * @public
 */
export interface ImageFactoryContainerRunRequest {
  /**
   * The image to run: `registry/repository@sha256:…` for a version under
   * test (pulled by digest), or another reference such as a test runner.
   */
  image: string;
  /** The platform to pull and run, as `os/arch[/variant]`; foreign ones run through QEMU. */
  platform: string;
  /** Replaces the image's entrypoint and command (exec form). Default: the image's own. */
  command?: string[];
  /** Environment variables of the container. */
  env?: Record<string, string>;
  /** Credentials for the registry of `image`; never logged. Default: anonymous. */
  pullAuth?: ImageFactoryPushAuth;
  /** Receives each line the container writes (stdout and stderr), without the trailing newline. */
  onLog?: (line: string) => void;
  /** Cancels the run; the container is killed and removed. */
  signal?: AbortSignal;
  /**
   * Kills the container when it runs longer (the pull not counted) and
   * reports `timedOut`. Default: no limit.
   */
  timeoutMs?: number;
}

/**
 * The outcome of a container run that started: its exit code, or that it
 * was killed after its timeout.
 *
 * @public
 */
export interface ImageFactoryContainerRunResult {
  /** The container's exit code (for a killed one, what the engine reports, e.g. 137). */
  exitCode: number;
  /** Wall time from the start of the container to its end. */
  durationMs: number;
  /** True when the container ran past `timeoutMs` and was killed. */
  timedOut: boolean;
}

/**
 * A place where image builds run (a Docker engine, a Kubernetes cluster, …).
 *
 * Builds and pushes reject with errors that carry `transient: boolean`:
 * `true` when the same call may succeed later (executor or registry
 * unreachable, timeout), `false` when retrying cannot help (build step failed,
 * credentials refused). Error messages never contain credentials.
 *
 * @public
 */
export interface ImageFactoryExecutor {
  /** Unique id, matching a provider id under `imageFactory.providers.executors`. */
  readonly id: string;
  /** Capabilities, used to place each platform's build. */
  describe(): Promise<ImageFactoryExecutorInfo>;
  /** Resolves when the executor is reachable; rejects with the reason otherwise. */
  checkHealth(): Promise<void>;
  /** Builds one platform of an image and tags it. */
  buildPlatform(
    request: ImageFactoryBuildRequest,
  ): Promise<ImageFactoryBuildResult>;
  /** Pushes a tag built by {@link ImageFactoryExecutor.buildPlatform}. */
  push(request: ImageFactoryPushRequest): Promise<ImageFactoryPushResult>;
  /**
   * Pulls an image and runs it as a container (a stage's verification
   * check). Optional: stages with checks need an executor that has it for
   * each platform. An image that cannot be pulled rejects, naming it.
   */
  runContainer?(
    request: ImageFactoryContainerRunRequest,
  ): Promise<ImageFactoryContainerRunResult>;
}

/**
 * One platform's build by an executor that pushes the result itself: the
 * build request, with `tag` being where the image is pushed.
 *
 * @public
 */
export interface ImageFactoryBuildAndPushRequest
  extends ImageFactoryBuildRequest {
  /** Credentials for the registry of `tag`. Default: anonymous. */
  pushAuth?: ImageFactoryPushAuth;
}

/**
 * The outcome of a successful {@link ImageFactorySelfPushingExecutor.buildAndPush}.
 *
 * @public
 */
export interface ImageFactoryBuildAndPushResult {
  /**
   * The digest of the image manifest pushed under the request's `tag`
   * (`sha256:…`), for the request's one platform. The Image Factory reads it
   * back from the registry and checks its platform before listing it in the
   * image index.
   */
  digest: string;
  /** Wall time of the build. */
  buildDurationMs: number;
  /** Wall time of the push, when the executor tells it apart from the build. */
  pushDurationMs?: number;
}

/**
 * An executor that builds and pushes in one go (a BuildKit daemon, a cloud
 * build service): the Image Factory gives it the tag to push to and the
 * registry credentials, and takes the pushed manifest's digest, instead of
 * pushing a locally built image itself as with an {@link ImageFactoryExecutor}.
 *
 * Errors carry `transient: boolean` as those of an {@link ImageFactoryExecutor}.
 *
 * @public
 */
export interface ImageFactorySelfPushingExecutor {
  /** Unique id, matching a provider id under `imageFactory.providers.executors`. */
  readonly id: string;
  /** Capabilities, used to place each platform's build. */
  describe(): Promise<ImageFactoryExecutorInfo>;
  /** Resolves when the executor is reachable; rejects with the reason otherwise. */
  checkHealth(): Promise<void>;
  /** Builds one platform of an image and pushes it to the request's `tag`. */
  buildAndPush(
    request: ImageFactoryBuildAndPushRequest,
  ): Promise<ImageFactoryBuildAndPushResult>;
  /** As {@link ImageFactoryExecutor.runContainer}, for a service that can also run containers. */
  runContainer?(
    request: ImageFactoryContainerRunRequest,
  ): Promise<ImageFactoryContainerRunResult>;
}

/**
 * Any executor a module may add: one that builds into a local engine for the
 * Image Factory to push ({@link ImageFactoryExecutor}), or one that builds and
 * pushes itself ({@link ImageFactorySelfPushingExecutor}).
 *
 * @public
 */
export type ImageFactoryAnyExecutor =
  | ImageFactoryExecutor
  | ImageFactorySelfPushingExecutor;

/**
 * Whether an executor builds and pushes itself.
 *
 * @public
 */
export function isSelfPushingExecutor(
  executor: ImageFactoryAnyExecutor,
): executor is ImageFactorySelfPushingExecutor {
  return (
    typeof (executor as Partial<ImageFactorySelfPushingExecutor>)
      .buildAndPush === 'function'
  );
}

/**
 * Lets backend modules add executors to the Image Factory.
 *
 * @public
 */
export interface ImageFactoryExecutorsExtensionPoint {
  /**
   * Adds one or more executors of either shape; each `id` should match a
   * configured executor provider and must not be taken.
   */
  addExecutor(...executors: ImageFactoryAnyExecutor[]): void;
}

/**
 * Extension point for executors, id `image-factory.executors`.
 *
 * @public
 */
export const imageFactoryExecutorsExtensionPoint =
  createExtensionPoint<ImageFactoryExecutorsExtensionPoint>({
    id: 'image-factory.executors',
  });
