import {
  BuildRun,
  formatImageRef,
  ImageVersion,
  ImageVersionLineage,
} from '@image-factory/plugin-image-factory-common';
import { buildOf } from './buildProvenance';
import { VersionDetails } from './details/types';
import { VersionEntry } from './groupVersions';
import { VersionTarget } from './types';

/** The API's view of one version: the listing's tags, the registry's details, the ledger's run. */
export function toImageVersion(options: {
  target: VersionTarget;
  entry: VersionEntry;
  details?: VersionDetails;
  run?: BuildRun;
  lineage?: ImageVersionLineage[];
  webUrl?: (tag?: string) => string | undefined;
}): ImageVersion {
  const { target, entry, details, run, lineage, webUrl } = options;
  const repo = { registry: target.registry, repository: target.repository };
  const firstTag = entry.tags[0];
  const url = webUrl?.(firstTag);
  const createdAt =
    details?.createdAt ?? run?.finishedAt ?? entry.pushedAt?.toISOString();
  return {
    digest: entry.digest,
    mediaType: details?.mediaType ?? '',
    tags: entry.tags,
    ...(createdAt && { createdAt }),
    size: details?.size ?? 0,
    platforms: (details?.platforms ?? []).map(
      ({ layerRefs: _layers, ...platform }) => {
        const tags = entry.platformTags.get(platform.digest);
        return tags ? { ...platform, tags } : platform;
      },
    ),
    attachments: [...(details?.attachments ?? []), ...entry.attachments],
    ...(run && { build: buildOf(run) }),
    ...(lineage && lineage.length > 0 && { lineage }),
    pull: {
      byDigest: formatImageRef({ ...repo, digest: entry.digest }),
      ...(firstTag && { byTag: formatImageRef({ ...repo, tag: firstTag }) }),
    },
    ...(url && { webUrl: url }),
    ...(!details && { partial: true }),
  };
}
