import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { ImageBasesResolver, ResolveSummary } from './ImageBasesResolver';

/** Reads again when images.yaml changed during a resolution, at most this often. */
const MAX_PASSES = 3;

/**
 * Resolves the bases of the images of the current images.yaml; when a new
 * revision was read meanwhile (its trigger found this pass running), resolves
 * that one too, so that its new images do not wait for the next scheduled
 * pass. Returns what all passes did.
 */
export async function resolveCurrentImages(
  resolver: Pick<ImageBasesResolver, 'resolve'>,
  imagesFile: {
    getImages(): ImageEntityV1alpha1[];
    getRevision(): string | undefined;
  },
): Promise<ResolveSummary> {
  const total: ResolveSummary = { analyzed: [], unchanged: [], failed: [] };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const revision = imagesFile.getRevision();
    const summary = await resolver.resolve(imagesFile.getImages());
    total.analyzed.push(...summary.analyzed);
    total.unchanged.push(...summary.unchanged);
    total.failed.push(...summary.failed);
    if (imagesFile.getRevision() === revision) break;
  }
  return total;
}
