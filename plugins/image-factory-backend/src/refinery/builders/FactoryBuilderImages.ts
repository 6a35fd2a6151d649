import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  BuildRun,
  ImageEntityV1alpha1,
  WheelSet,
} from '@image-factory/plugin-image-factory-common';
import Dockerode from 'dockerode';
import { engineAuth } from '../../builds/RunRegistryAccess';
import { pullImage } from '../../executor/pullImage';
import type { RegistryCredentials } from '../../registry';
import {
  BuilderChoice,
  BuilderImages,
  configuredBuilder,
} from './BuilderImages';

/** The newest platform manifest a succeeded, unpruned run pushed for `platform`. */
export function latestBuilt(
  runs: BuildRun[],
  platform: string,
): { run: BuildRun; digest: string } | undefined {
  for (const run of runs) {
    if (run.status !== 'succeeded' || run.prunedAt) continue;
    const digest = run.platforms.find(p => p.platform === platform)?.digest;
    if (digest) return { run, digest };
  }
  return undefined;
}

/**
 * A set's `builder` is an image of images.yaml the factory builds: each
 * target runs in that image's newest build for its platform, pulled by
 * digest from the registry, so a rebuild of the builder (its base changed)
 * changes the builds' keys and the wheels are built again. A `builder` that
 * names no image falls back to the configured builder of the platform.
 */
export class FactoryBuilderImages implements BuilderImages {
  constructor(
    private readonly options: {
      docker: Dockerode;
      /** The images of images.yaml. */
      images: () => ImageEntityV1alpha1[];
      /** An image's recent build runs, newest first. */
      runs: (imageName: string) => Promise<BuildRun[]>;
      /** `imageFactory.refinery.builders`. */
      configured: Record<string, string>;
      /** Registry credentials for the pull; never logged. */
      credentials: (host: string) => Promise<RegistryCredentials | undefined>;
    },
  ) {}

  async choose(
    set: WheelSet,
    platform: string,
    signal?: AbortSignal,
  ): Promise<BuilderChoice> {
    const image = this.options
      .images()
      .find(i => i.metadata.name === set.builder);
    if (!image) {
      const configured = configuredBuilder(this.options.configured, platform);
      return configured.ok
        ? {
            ...configured,
            description: `${configured.description}: images.yaml has no image named '${set.builder}'`,
          }
        : configured;
    }
    if (!image.spec.platforms.includes(platform)) {
      return {
        ok: false,
        error: `The builder image ${
          set.builder
        } is not built for ${platform} (its platforms: ${image.spec.platforms.join(
          ', ',
        )})`,
      };
    }
    const built = latestBuilt(await this.options.runs(set.builder), platform);
    if (!built) {
      return {
        ok: false,
        error: `The builder image ${set.builder} has no successful build for ${platform} yet: the set runs again when the factory has built it`,
      };
    }
    const reference = `${image.spec.registry}/${image.spec.repository}@${built.digest}`;
    await this.ensurePresent(reference, platform, signal);
    return {
      ok: true,
      image: reference,
      imageEntityRef: stringifyEntityRef(image),
      description: `the image ${set.builder} the factory built (run ${built.run.id})`,
    };
  }

  async ensurePresent(
    image: string,
    platform: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const held = await this.options.docker
      .getImage(image)
      .inspect()
      .then(i => i.Id)
      .catch((e: { statusCode?: number }) => {
        // Only a missing image; an engine that cannot be reached fails.
        if (e.statusCode === 404) return undefined;
        throw e;
      });
    // A configured builder is made in the engine, not pulled.
    if (held || !image.includes('@sha256:')) return held;
    const host = image.slice(0, image.indexOf('/'));
    return pullImage(
      { docker: this.options.docker, endpoint: 'the refinery engine' },
      {
        image,
        platform,
        pullAuth: engineAuth(host, await this.options.credentials(host)),
        signal,
      },
    );
  }
}
