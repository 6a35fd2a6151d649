import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ImageFactoryBuildRequest,
  ImageFactoryBuildResult,
  ImageFactoryContainerRunRequest,
  ImageFactoryContainerRunResult,
  ImageFactoryExecutor,
  ImageFactoryExecutorInfo,
  ImageFactoryPushRequest,
  ImageFactoryPushResult,
} from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { BINFMT_MISC_DIR, ociArchitecture, readEmulators } from './binfmt';
import { normalizeDockerfilePath, readDockerfile } from './buildContext';
import { BuildNetwork, buildKitBuild } from './buildkit/buildKitBuild';
import {
  syntaxDirective,
  unsupportedBuildFeatures,
  unsupportedFeaturesError,
} from './buildFeatureSupport';
import { classicBuild, Engine, inspect } from './classicBuild';
import { pushFailure } from './classifyError';
import {
  BuildCapabilities,
  buildCapabilities,
  DockerBuilder,
} from './engineCapabilities';
import { engineError } from './engineError';
import { BuildFailedError, BuildRequestError, PushFailedError } from './errors';
import { ProgressLog } from './progressLog';
import { readProgress } from './readProgress';
import { createRedactor } from './redact';
import { runContainer } from './runContainer';
import { DockerExecutorHealth, DockerExecutorOptions } from './types';
import { withDeadline } from './withDeadline';

/** The engine as a build needs it: where, its platform and what its builder reads. */
interface EngineFacts extends Engine {
  version: string;
  capabilities: BuildCapabilities;
  /** Whether the engine has its default `bridge` network (not with `--bridge=none`). */
  hasBridge: boolean;
}

const DEFAULT_ID = 'docker';
const DEFAULT_CONCURRENCY = 2;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
/** How long what the engine said about itself is trusted. */
const ENGINE_FACTS_TTL_MS = 60_000;

function isDockerode(
  docker: Dockerode | Dockerode.DockerOptions | undefined,
): docker is Dockerode {
  return !!docker && typeof (docker as Dockerode).buildImage === 'function';
}

/** Splits `registry/repository:tag` into the repository reference and the tag. */
export function splitTag(tag: string): { name: string; tag: string } {
  if (tag.includes('@')) {
    throw new BuildRequestError(`tag: must not contain a digest, got '${tag}'`);
  }
  const slash = tag.lastIndexOf('/');
  const colon = tag.lastIndexOf(':');
  if (colon > slash) {
    return { name: tag.slice(0, colon), tag: tag.slice(colon + 1) };
  }
  return { name: tag, tag: 'latest' };
}

/**
 * Builds and pushes images on one Docker engine through the Engine API
 * (dockerode), one platform per build, with the engine's BuildKit (or the
 * classic builder where configured); QEMU binfmt handlers on the engine's
 * host give it the foreign platforms.
 */
export class DockerExecutor implements ImageFactoryExecutor {
  readonly id: string;
  private readonly docker: Dockerode;
  private readonly logger: LoggerService;
  private readonly concurrency: number;
  private readonly binfmtDir: string;
  /** Where the engine is, for messages: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  readonly endpoint: string;
  private readonly local: boolean;
  private readonly builder: DockerBuilder;
  private readonly network: BuildNetwork | undefined;
  private facts?: { value: Promise<EngineFacts>; at: number };

  static create(options: DockerExecutorOptions): DockerExecutor {
    return new DockerExecutor(options);
  }

  private constructor(options: DockerExecutorOptions) {
    this.id = options.id ?? DEFAULT_ID;
    this.docker = isDockerode(options.docker)
      ? options.docker
      : new Dockerode(options.docker);
    this.logger = options.logger;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.binfmtDir = options.binfmtDir ?? BINFMT_MISC_DIR;
    this.builder = options.builder ?? 'buildkit';
    this.network = options.network;
    const modem = this.docker.modem as {
      socketPath?: string;
      host?: string;
      port?: number | string;
      protocol?: string;
    };
    this.local = !!modem.socketPath;
    this.endpoint = modem.socketPath
      ? `unix://${modem.socketPath}`
      : `${modem.protocol ?? 'http'}://${modem.host}${
          modem.port ? `:${modem.port}` : ''
        }`;
  }

  /** Health and capabilities of the engine; never throws. */
  async ping(): Promise<DockerExecutorHealth> {
    try {
      const version = await this.docker.version();
      const architecture = ociArchitecture(version.Arch);
      const emulators = this.local
        ? await readEmulators(this.binfmtDir)
        : undefined;
      if (emulators) delete emulators[architecture];
      return {
        reachable: true,
        version: version.Version,
        apiVersion: version.ApiVersion,
        platform: `${version.Os}/${architecture}`,
        architecture,
        emulators,
        capabilities: buildCapabilities({
          builder: this.builder,
          engineVersion: version.Version,
          apiVersion: version.ApiVersion,
        }),
      };
    } catch (e) {
      return {
        reachable: false,
        error: engineError('build', e, { endpoint: this.endpoint }),
      };
    }
  }

  async checkHealth(): Promise<void> {
    const health = await this.ping();
    if (!health.reachable) throw health.error;
  }

  async describe(): Promise<ImageFactoryExecutorInfo> {
    const health = await this.ping();
    if (!health.reachable) throw health.error;
    const emulatedPlatforms = Object.entries(health.emulators ?? {})
      .filter(([, usable]) => usable)
      .map(([arch]) => `linux/${arch}`);
    return {
      platforms: [health.platform, ...emulatedPlatforms],
      emulatedPlatforms,
      concurrency: this.concurrency,
      builder: {
        ...health.capabilities,
        description: `Docker ${health.version} ${
          health.capabilities.builder === 'buildkit'
            ? `BuildKit (Dockerfile frontend ${health.capabilities.dockerfileFrontend})`
            : 'classic builder'
        }`,
      },
    };
  }

  /** What the engine said about itself, asked again after a minute. */
  private engine(): Promise<EngineFacts> {
    if (this.facts && Date.now() - this.facts.at < ENGINE_FACTS_TTL_MS) {
      return this.facts.value;
    }
    const value = (async (): Promise<EngineFacts> => {
      let version: Dockerode.DockerVersion;
      let networks: Dockerode.NetworkInspectInfo[];
      try {
        [version, networks] = await Promise.all([
          this.docker.version(),
          this.docker.listNetworks({ filters: { name: ['bridge'] } }),
        ]);
      } catch (e) {
        throw engineError('build', e, { endpoint: this.endpoint });
      }
      return {
        docker: this.docker,
        endpoint: this.endpoint,
        platform: `${version.Os}/${ociArchitecture(version.Arch)}`,
        version: version.Version,
        capabilities: buildCapabilities({
          builder: this.builder,
          engineVersion: version.Version,
          apiVersion: version.ApiVersion,
        }),
        hasBridge: networks.some(n => n.Name === 'bridge'),
      };
    })();
    this.facts = { value, at: Date.now() };
    value.catch(() => {
      if (this.facts?.value === value) this.facts = undefined;
    });
    return value;
  }

  private describeBuilder(engine: EngineFacts): string {
    return engine.capabilities.builder === 'buildkit'
      ? `BuildKit of Docker ${engine.version} (Dockerfile frontend ${engine.capabilities.dockerfileFrontend}) on executor ${this.id}`
      : `the classic builder of Docker ${engine.version} on executor ${this.id}`;
  }

  /**
   * BuildKit's RUN steps join the engine's `bridge` network by default; an
   * engine started with `--bridge=none` has none, and BuildKit then fails with
   * "network bridge not found": its steps run without a network instead.
   */
  private buildNetwork(engine: EngineFacts): 'host' | 'none' | undefined {
    if (this.network && this.network !== 'default') return this.network;
    return engine.hasBridge ? undefined : 'none';
  }

  async buildPlatform(
    request: ImageFactoryBuildRequest,
  ): Promise<ImageFactoryBuildResult> {
    if (!PLATFORM.test(request.platform)) {
      throw new BuildRequestError(
        `platform: must be os/arch[/variant] such as linux/amd64, got '${request.platform}'`,
      );
    }
    splitTag(request.tag);
    normalizeDockerfilePath(request.dockerfile);
    const started = Date.now();
    const { platform, tag } = request;
    const engine = await this.engine();
    const dockerfileText = await readDockerfile(
      request.contextDir,
      request.dockerfile,
    );
    const unsupported = unsupportedBuildFeatures(
      dockerfileText,
      engine.capabilities,
    );
    if (unsupported.length > 0) {
      throw unsupportedFeaturesError(unsupported, this.describeBuilder(engine));
    }
    this.logger.debug('Build started', {
      tag,
      platform,
      executor: this.id,
      builder: engine.capabilities.builder,
    });
    request.onLog?.(
      `Building ${platform} with ${this.describeBuilder(engine)}`,
    );
    const directive = syntaxDirective(dockerfileText);
    if (directive && engine.capabilities.builder === 'buildkit') {
      request.onLog?.(
        `Dockerfile line ${directive.line} (${directive.text}) makes BuildKit build with that frontend image, which the engine pulls`,
      );
    }
    const imageId =
      engine.capabilities.builder === 'buildkit'
        ? await buildKitBuild(engine, request, this.buildNetwork(engine)).catch(
            e => {
              throw directive ? blameFrontendImage(e, directive) : e;
            },
          )
        : await classicBuild(engine, request);
    const [os, arch] = platform.split('/');
    const image = await inspect(engine, imageId);
    if (image.Architecture !== arch || image.Os !== os) {
      throw new BuildFailedError(
        `the engine built ${image.Os}/${image.Architecture} instead of ${platform}`,
      );
    }
    const durationMs = Date.now() - started;
    this.logger.info('Build finished', {
      tag,
      platform,
      imageId,
      durationMs,
      executor: this.id,
    });
    return { imageId, durationMs };
  }

  async push(
    request: ImageFactoryPushRequest,
  ): Promise<ImageFactoryPushResult> {
    const { tag, auth } = request;
    const target = splitTag(tag);
    const redact = createRedactor(auth?.password, auth?.username);
    const started = Date.now();
    const emit = (line: string) => request.onLog?.(redact(line));
    const log = new ProgressLog(emit);
    this.logger.debug('Push started', { tag, executor: this.id });

    const outcome = await withDeadline('push', request, async signal => {
      try {
        const stream = await this.docker.getImage(target.name).push({
          tag: target.tag,
          ...(auth
            ? {
                authconfig: {
                  username: auth.username,
                  password: auth.password,
                  serveraddress: auth.serveraddress,
                },
              }
            : {}),
          abortSignal: signal,
        });
        const result = await readProgress(stream, m => log.handle(m), signal);
        log.flush();
        return result;
      } catch (e) {
        throw engineError('push', e, { endpoint: this.endpoint, tag, redact });
      }
    });
    if (outcome.error) throw pushFailure(tag, redact(outcome.error));
    const digest = outcome.aux
      .map(aux => aux.Digest)
      .find((d): d is string => typeof d === 'string');
    if (!digest) {
      throw new PushFailedError(
        `The push of ${tag} ended without a manifest digest`,
      );
    }
    const durationMs = Date.now() - started;
    this.logger.info('Push finished', {
      tag,
      digest,
      durationMs,
      executor: this.id,
    });
    return { digest, durationMs };
  }

  /** Pulls an image for a platform and runs it once (a stage's verification check); see {@link runContainer}. */
  async runContainer(
    request: ImageFactoryContainerRunRequest,
  ): Promise<ImageFactoryContainerRunResult> {
    this.logger.debug('Container run started', {
      image: request.image,
      platform: request.platform,
      executor: this.id,
    });
    const result = await runContainer(
      { docker: this.docker, endpoint: this.endpoint },
      request,
    );
    this.logger.info('Container run finished', {
      image: request.image,
      platform: request.platform,
      executor: this.id,
      ...result,
    });
    return result;
  }

  /** Removes a tag from the engine (and the image when no other tag holds it); a missing tag is fine. */
  async removeImage(tag: string): Promise<void> {
    try {
      await this.docker.getImage(tag).remove({ noprune: false });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return;
      throw engineError('build', e, { endpoint: this.endpoint });
    }
  }
}

/** A failure to load the `# syntax=` frontend image, located at its line. */
function blameFrontendImage(
  error: unknown,
  directive: { line: number; text: string },
): unknown {
  if (
    !(error instanceof BuildFailedError) ||
    error.line !== undefined ||
    !/frontend gateway/.test(error.engineMessage)
  ) {
    return error;
  }
  return new BuildFailedError(
    `the frontend image of '${directive.text}' could not be loaded: ${error.engineMessage}`,
    { line: directive.line, instruction: directive.text },
    { transient: error.transient },
  );
}
