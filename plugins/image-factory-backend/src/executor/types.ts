import { LoggerService } from '@backstage/backend-plugin-api';
import Dockerode from 'dockerode';
import { BuildNetwork } from './buildkit/buildKitBuild';
import { BuildCapabilities, DockerBuilder } from './engineCapabilities';

/** Options of {@link DockerExecutor.create}. */
export interface DockerExecutorOptions {
  /** Provider id under `imageFactory.providers.executors`. Default `docker`. */
  id?: string;
  /**
   * The engine: a dockerode instance, or its connection options (`socketPath`,
   * or `host`/`port`/`protocol`). Default: `DOCKER_HOST`, else the local socket.
   */
  docker?: Dockerode | Dockerode.DockerOptions;
  logger: LoggerService;
  /** Builds the engine accepts at once. Default 2. */
  concurrency?: number;
  /** Where binfmt_misc handlers are listed, for a local engine. Default `/proc/sys/fs/binfmt_misc`. */
  binfmtDir?: string;
  /**
   * `buildkit` (default): the engine's BuildKit, which reads `RUN --mount`,
   * `COPY --chmod` and `FROM --platform=$BUILDPLATFORM`; `classic`: the
   * engine's classic builder, for engines where BuildKit is unavailable.
   */
  builder?: DockerBuilder;
  /**
   * The network of BuildKit's RUN steps: `default` (the engine's bridge, or
   * none when the engine has no bridge network), `host` or `none`.
   */
  network?: BuildNetwork;
}

/** What {@link DockerExecutor.ping} found out. */
export type DockerExecutorHealth =
  | {
      reachable: true;
      /** Engine version (`20.10.24+dfsg1`). */
      version: string;
      /** Engine API version (`1.41`). */
      apiVersion: string;
      /** Native platform of the engine (`linux/amd64`). */
      platform: string;
      /** Native architecture, OCI name (`amd64`). */
      architecture: string;
      /**
       * Per OCI architecture, whether a QEMU binfmt handler usable in
       * containers is registered. Undefined for a remote engine, whose kernel
       * this process cannot see.
       */
      emulators?: Record<string, boolean>;
      /** The builder builds use and the Dockerfile features it reads. */
      capabilities: BuildCapabilities;
    }
  | {
      reachable: false;
      /** Why not; free of secrets. */
      error: Error;
    };
