import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  BuildArtifact,
  ImageEntityV1alpha1,
  tryParseImageRef,
} from '@image-factory/plugin-image-factory-common';
import { providerEntityRef } from '@image-factory/plugin-image-factory-node';
import { BuildArtifactStore, SucceededRun } from '../database';

/** Default of `imageFactory.builds.catalogEntitiesPerImage`. */
export const DEFAULT_CATALOG_ENTITIES_PER_IMAGE = 5;
/** The most artifacts per image one request may ask for. */
export const MAX_ARTIFACTS_PER_IMAGE = 100;

const KEY = 'imageFactory.builds.catalogEntitiesPerImage';

/** Reads `imageFactory.builds.catalogEntitiesPerImage`; throws naming the key. */
export function readCatalogEntitiesPerImage(config: Config): number {
  const value = config.getOptionalNumber(KEY);
  if (value === undefined) return DEFAULT_CATALOG_ENTITIES_PER_IMAGE;
  if (
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_ARTIFACTS_PER_IMAGE
  ) {
    throw new InputError(
      `${KEY}: must be a whole number from 0 to ${MAX_ARTIFACTS_PER_IMAGE}, got ${value}`,
    );
  }
  return value;
}

/**
 * The artifacts of succeeded runs, as the catalog module turns them into
 * `ImageBuild` entities: the last N per image.
 */
export class BuildArtifacts {
  constructor(
    private readonly options: {
      store: BuildArtifactStore;
      images: () => ImageEntityV1alpha1[];
      perImage: number;
      /**
       * The entity refs of the un-enrolled (archived) images, from the
       * database, so that a failed read of images.yaml archives nothing.
       */
      archived?: () => Promise<Set<string>>;
    },
  ) {}

  get defaultPerImage(): number {
    return this.options.perImage;
  }

  async list(perImage = this.options.perImage): Promise<BuildArtifact[]> {
    if (perImage === 0) return [];
    const owners = new Map(
      this.options.images().map(i => [i.metadata.name, i.spec.owner]),
    );
    const runs = await this.options.store.lastSucceededPerImage(perImage);
    const archived = (await this.options.archived?.()) ?? new Set<string>();
    return runs.map(run =>
      toArtifact(
        run,
        owners.get(run.imageName),
        archived.has(run.entityRef) && !owners.has(run.imageName),
      ),
    );
  }
}

function toArtifact(
  run: SucceededRun,
  owner: string | undefined,
  archived: boolean,
): BuildArtifact {
  const parsed = tryParseImageRef(run.reference);
  const tag = parsed.ok ? parsed.ref.tag : undefined;
  const executor = run.platforms.find(p => p.executor)?.executor;
  return {
    runId: run.id,
    imageName: run.imageName,
    image: run.entityRef,
    ...(owner ? { owner } : {}),
    ...(archived ? { archived: true } : {}),
    reference: run.reference,
    digest: run.indexDigest,
    tags: tag ? [tag] : [],
    platforms: run.platforms.map(p => ({
      platform: p.platform,
      digest: p.digest,
    })),
    cause: run.cause,
    builtFrom: Object.entries(run.inputs.baseDigests ?? {}).map(
      ([reference, digest]) => ({ reference, digest }),
    ),
    ...(executor
      ? { producedBy: providerEntityRef({ kind: 'executor', id: executor }) }
      : {}),
    createdAt: run.finishedAt.toISOString(),
  };
}
