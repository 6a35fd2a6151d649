import { OCI_IMAGE_INDEX } from '../../registry';
import { indexPushedLine } from '../digestLogLines';
import { imageIndexBytes } from '../imageIndex';
import { PlatformManifest } from '../reusablePlatforms';
import { withRetries } from '../retry';
import { ActiveRun, referenceOf, retryOptions } from './activeRun';

/** The manifests of the image's platforms, in the image's order: built ones, else reused ones. */
export function indexManifests(
  platforms: string[],
  built: PlatformManifest[],
  reused: PlatformManifest[],
): PlatformManifest[] {
  return platforms
    .map(
      p =>
        built.find(b => b.platform === p) ?? reused.find(r => r.platform === p),
    )
    .filter((m): m is PlatformManifest => !!m);
}

/**
 * Step 5: pushes an OCI image index of `manifests`, annotated with `annotations`,
 * under each of `tags` (the image's tag, then the run's version tag), with the
 * registry's credentials (refreshed once when refused), retrying transient
 * failures. Returns the index's digest.
 */
export async function pushIndex(
  run: ActiveRun,
  options: {
    tags: string[];
    manifests: PlatformManifest[];
    annotations: Record<string, string>;
  },
): Promise<string> {
  const { spec } = run.image;
  const reference = referenceOf(run.image);
  run.ctx.log.system(
    `Pushing the image index ${reference} (also as ${options.tags
      .slice(1)
      .join(', ')})`,
  );
  const repository = { registry: spec.registry, repository: spec.repository };
  const bytes = imageIndexBytes(options.manifests, options.annotations);
  const digest = await run.registry.withAuth(spec.registry, undefined, () =>
    withRetries(async () => {
      const client = run.registry.client();
      let last = '';
      for (const tag of options.tags) {
        last = await client.putManifest(
          repository,
          tag,
          bytes,
          OCI_IMAGE_INDEX,
        );
      }
      return last;
    }, retryOptions(run, 'Pushing the image index', run.ctx.signal)),
  );
  run.ctx.log.system(indexPushedLine(reference, digest));
  return digest;
}
