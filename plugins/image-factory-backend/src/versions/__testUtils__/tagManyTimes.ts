import { OciRegistryClient, RepositoryRef } from '../../registry';

/**
 * Puts the manifest `digest` under every tag in `tags`: one GET, then a
 * PUT of the same bytes per tag, `concurrency` at a time (default 16). A
 * cheap way to a repository with thousands of tags.
 */
export async function tagManyTimes(
  client: OciRegistryClient,
  repo: RepositoryRef,
  digest: string,
  tags: string[],
  options: { concurrency?: number } = {},
): Promise<void> {
  const { bytes, mediaType } = await client.getManifest({ ...repo, digest });
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const tag = tags[next++];
      await client.putManifest(repo, tag, bytes, mediaType);
    }
  };
  await Promise.all(
    Array.from(
      { length: Math.min(options.concurrency ?? 16, tags.length) },
      worker,
    ),
  );
}
