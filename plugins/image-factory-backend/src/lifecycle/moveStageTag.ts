import {
  ManifestInvalidError,
  OciRegistryClient,
  RepositoryRef,
} from '../registry';

/**
 * Points `tag` at `digest` by PUTting the manifest the digest names under
 * the tag: no rebuild, no pull of layers. Reads the tag back and throws
 * unless it names the digest, so a move is never reported done before the
 * registry holds it.
 */
export async function moveStageTag(
  client: OciRegistryClient,
  repo: RepositoryRef,
  tag: string,
  digest: string,
  signal?: AbortSignal,
): Promise<void> {
  const manifest = await client.getManifest({ ...repo, digest }, { signal });
  await client.putManifest(repo, tag, manifest.bytes, manifest.mediaType, {
    signal,
  });
  const head = await client.headManifest({ ...repo, tag }, { signal });
  if (head.digest !== digest) {
    throw new ManifestInvalidError(
      `${repo.registry}/${repo.repository}:${tag} names ${head.digest} after the move, not ${digest}`,
    );
  }
}
