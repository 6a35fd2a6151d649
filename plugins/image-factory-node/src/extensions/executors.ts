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
}

/**
 * A place where image builds run (a Docker engine, a Kubernetes cluster, …).
 * The build contract grows with the build engine; this is what placement needs.
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
}

/**
 * Lets backend modules add executors to the Image Factory.
 *
 * @public
 */
export interface ImageFactoryExecutorsExtensionPoint {
  /** Adds one or more executors; each `id` should match a configured executor provider. */
  addExecutor(...executors: ImageFactoryExecutor[]): void;
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
