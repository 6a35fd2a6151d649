import { parseEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_RUN_ID,
  BuildArtifact,
  formatImageRef,
  IMAGE_FACTORY_API_VERSION,
  tryParseImageRef,
  ImageBuildEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';

/** Catalog entity names are at most 63 characters. */
const MAX_NAME = 63;
const SHORT_DIGEST = 12;

/** `<image>-<first 12 hex digits of the index digest>`, within 63 characters. */
export function imageBuildEntityName(artifact: BuildArtifact): string {
  const hex = artifact.digest.split(':').pop()!.slice(0, SHORT_DIGEST);
  const image = parseEntityRef(artifact.image).name.slice(
    0,
    MAX_NAME - SHORT_DIGEST - 1,
  );
  return `${image.replace(/[-_.]+$/, '')}-${hex}`;
}

/** The ImageBuild entity of one artifact, in its Image's namespace. */
export function artifactToEntity(
  artifact: BuildArtifact,
  fallbackOwner: string,
): ImageBuildEntityV1alpha1 {
  const imageRef = parseEntityRef(artifact.image);
  const owner = artifact.owner ?? fallbackOwner;
  return {
    apiVersion: IMAGE_FACTORY_API_VERSION,
    kind: 'ImageBuild',
    metadata: {
      name: imageBuildEntityName(artifact),
      namespace: imageRef.namespace,
      title: `${imageRef.name} ${artifact.digest.slice(0, 19)}`,
      description: `Build of ${imageRef.name} (${artifact.cause}), run ${artifact.runId}`,
      annotations: {
        'backstage.io/managed-by-location': `url:image-factory:builds/${artifact.runId}`,
        'backstage.io/managed-by-origin-location': `url:image-factory:builds/${artifact.runId}`,
        [ANNOTATION_IMAGE_FACTORY_RUN_ID]: artifact.runId,
      },
    },
    spec: {
      image: artifact.image,
      owner,
      reference: pinned(artifact),
      digest: artifact.digest,
      tags: artifact.tags,
      platforms: artifact.platforms,
      cause: artifact.cause,
      builtFrom: artifact.builtFrom,
      ...(artifact.producedBy ? { producedBy: artifact.producedBy } : {}),
      createdAt: artifact.createdAt,
    },
  };
}

/** The pushed reference pinned to the index digest: `registry/repository@sha256:…`. */
function pinned(artifact: BuildArtifact): string {
  const parsed = tryParseImageRef(artifact.reference);
  if (!parsed.ok) return artifact.reference;
  return formatImageRef({
    registry: parsed.ref.registry,
    repository: parsed.ref.repository,
    digest: artifact.digest,
  });
}
