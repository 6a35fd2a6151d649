import { z } from 'zod/v4';
import type { BuildCause } from '../kinds';

/**
 * One platform of a version: an image manifest, with the platform read from
 * its image config (not trusted from the index entry).
 *
 * @public
 */
export interface ImageVersionPlatform {
  /** `os/arch[/variant]` from the image config. */
  platform: string;
  /** Digest of the platform's image manifest. */
  digest: string;
  /** `architecture` of the image config. */
  architecture: string;
  /** `os` of the image config. */
  os: string;
  /** `variant` of the image config, when set. */
  variant?: string;
  /**
   * What the index entry claimed, when it differs from the config (a
   * mislabelled index); the config wins.
   */
  indexPlatform?: string;
  /** Compressed size: manifest, config and layers, in bytes. */
  size: number;
  /** Number of layers. */
  layers: number;
  /** `created` of the image config (ISO 8601). */
  createdAt?: string;
  /** Tags naming this platform's manifest alone (the factory's `latest-linux-arm64`). */
  tags?: string[];
}

/**
 * Kinds of things attached to a version that are not platforms of it.
 *
 * @public
 */
export type ImageVersionAttachmentKind =
  | 'attestation'
  | 'signature'
  | 'sbom'
  | 'artifact';

/**
 * An attestation, signature or other artifact that belongs to a version:
 * a buildx `unknown/unknown` attestation manifest of its index, a cosign
 * `.sig`/`.att` tag, or an OCI referrer.
 *
 * @public
 */
export interface ImageVersionAttachment {
  /** What it is. */
  kind: ImageVersionAttachmentKind;
  /** Digest of the attestation manifest, signature or referrer. */
  digest: string;
  /** Its manifest's media type, when known. */
  mediaType?: string;
  /** `artifactType` of an OCI referrer, or the in-toto predicate type. */
  artifactType?: string;
  /** How the factory learned of it. */
  source: 'index' | 'cosign-tag' | 'referrers-api' | 'referrers-tag';
  /** The tag it is published under (cosign, referrers tag schema). */
  tag?: string;
  /** The platform manifest it describes, for a buildx attestation. */
  describes?: string;
}

/**
 * A base image a version was built FROM, as the build ledger recorded it.
 *
 * @public
 */
export interface ImageVersionLineage {
  /** The base reference as written in the Dockerfile (canonical form). */
  reference: string;
  /** The digest the build resolved it to. */
  digest: string;
  /** The base's Image entity, when the factory knows it. */
  entityRef?: string;
  /** The base's image name, for a link to its own Versions tab. */
  imageName?: string;
  /** The newest digest the factory has seen for the base reference. */
  newestDigest?: string;
  /**
   * How many digests the base reference has had since this one (0: the
   * newest); absent when the factory has no history of the base.
   */
  versionsBehind?: number;
}

/**
 * Why a version exists, when the factory built it: from the build ledger.
 *
 * @public
 */
export interface ImageVersionBuild {
  /** The build run (link to the Builds tab). */
  runId: string;
  /** Why the run was started. */
  cause: BuildCause;
  /** E.g. which base changed, old → new digest. */
  causeDetail?: string;
  /** Entity ref of the user who asked, for manual and emergency runs. */
  requestedBy?: string;
  /** The commit of the source repository that was built. */
  sourceRevision?: string;
  /** Build arguments from images.yaml. */
  buildArgs?: Record<string, string>;
  /** When the run finished (ISO 8601). */
  finishedAt?: string;
}

/**
 * One version of an image: a manifest or image index digest with every tag
 * that names it.
 *
 * @public
 */
export interface ImageVersion {
  /** Digest of the index or manifest. */
  digest: string;
  /** Media type of the index or manifest (empty while `partial`). */
  mediaType: string;
  /** Every tag naming this digest, semantic versions first. */
  tags: string[];
  /** The newest `created` of its platforms (ISO 8601), or what the registry reports. */
  createdAt?: string;
  /** Total compressed size of all platforms, in bytes. */
  size: number;
  /** Its platforms, sorted; attestation entries are never among them. */
  platforms: ImageVersionPlatform[];
  /** Attestations, signatures and referrers that belong to it. */
  attachments: ImageVersionAttachment[];
  /** When the factory built it. */
  build?: ImageVersionBuild;
  /** The bases it was built FROM (from the build ledger). */
  lineage?: ImageVersionLineage[];
  /** Pull references, by digest first. */
  pull: {
    /** `registry/repository@sha256:…`. */
    byDigest: string;
    /** `registry/repository:tag` for its first tag. */
    byTag?: string;
  };
  /** The registry's own web page for it, where the registry has one. */
  webUrl?: string;
  /** Details were not fetched yet (registry budget or reachability): tags and digest only. */
  partial?: boolean;
}

/**
 * Where the version list of an image comes from.
 *
 * @public
 */
export interface ImageVersionSource {
  /** `fresh`: listed within the cache time; `stale`: older, a refresh runs; `unreachable`: the registry failed. */
  state: 'fresh' | 'stale' | 'unreachable';
  /** When the tags were last listed successfully (ISO 8601); absent: never. */
  listedAt?: string;
  /** Since when the registry fails, while it does (ISO 8601). */
  unreachableSince?: string;
  /** Why it failed, in words (never a credential). */
  error?: string;
  /** The registry adapter that listed the tags (`oci`, `docker-hub`, `ghcr`). */
  adapter: string;
  /** The registry host. */
  registry: string;
  /** The repository in it. */
  repository: string;
}

/**
 * The answer of `GET /api/image-factory/images/:name/versions`.
 *
 * @public
 */
export interface ImageVersionList {
  /** The page's versions, in the asked order. */
  items: ImageVersion[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
  /** Versions matching the query. */
  total: number;
  /** Digest of the newest version (by date) of all, for "behind" markers. */
  newestDigest?: string;
  /** Where the list comes from and how fresh it is. */
  source: ImageVersionSource;
}

/**
 * One base of a version comparison.
 *
 * @public
 */
export interface ImageVersionBaseChange {
  /** The base reference (canonical form). */
  reference: string;
  /** Its digest in the older version's build. */
  from?: string;
  /** Its digest in the newer version's build. */
  to?: string;
}

/**
 * One platform of a version comparison.
 *
 * @public
 */
export interface ImageVersionPlatformChange {
  /** `os/arch[/variant]`. */
  platform: string;
  /** What became of the platform from `from` to `to`. */
  change: 'added' | 'removed' | 'changed' | 'same';
  /** The platform's manifest digest in `from`. */
  fromDigest?: string;
  /** The platform's manifest digest in `to`. */
  toDigest?: string;
  /** Compressed size in `from`, in bytes. */
  fromSize?: number;
  /** Compressed size in `to`, in bytes. */
  toSize?: number;
  /** Layer digests only in the newer version (compressed size each). */
  layersAdded: Array<{ digest: string; size: number }>;
  /** Layer digests only in the older version. */
  layersRemoved: Array<{ digest: string; size: number }>;
  /** Layers both share. */
  layersShared: number;
}

/**
 * The answer of `GET /api/image-factory/images/:name/versions/compare?from&to`.
 *
 * @public
 */
export interface ImageVersionComparison {
  /** The older version, as asked. */
  from: ImageVersion;
  /** The newer version, as asked. */
  to: ImageVersion;
  /** Every platform of either, sorted. */
  platforms: ImageVersionPlatformChange[];
  /** Every base of either build (from the ledger), sorted. */
  bases: ImageVersionBaseChange[];
  /** The build args that differ. */
  buildArgs: Array<{ name: string; from?: string; to?: string }>;
  /** The source revisions of both builds, when either has one. */
  sourceRevision?: { from?: string; to?: string };
  /** One line for a person: why `to` exists compared with `from`. */
  summary: string;
}

/**
 * Sort orders of a version list.
 *
 * @public
 */
export const IMAGE_VERSION_SORTS = ['semver', 'date'] as const;

/**
 * The query of `GET /api/image-factory/images/:name/versions`.
 *
 * @public
 */
export const imageVersionListQuerySchema = z
  .object({
    cursor: z
      .string()
      .max(200, 'must be at most 200 characters')
      .optional()
      .describe('The nextCursor of the previous page.'),
    limit: z.coerce
      .number()
      .int('must be a whole number')
      .min(1, 'must be from 1 to 100')
      .max(100, 'must be from 1 to 100')
      .default(25)
      .describe('Versions per page (default 25).'),
    sort: z
      .enum(IMAGE_VERSION_SORTS, { error: "must be 'semver' or 'date'" })
      .default('semver')
      .describe(
        'semver: highest semantic version tag first, then by date; date: newest first.',
      ),
    q: z
      .string()
      .max(128, 'must be at most 128 characters')
      .optional()
      .describe('Only versions with a tag containing this text.'),
    hideMachineTags: z
      .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
      .optional()
      .transform(v => v === 'true')
      .describe(
        'Hide timestamp, sha-… and run tags; a version with only such tags is hidden.',
      ),
  })
  .strict();

/**
 * The parsed query of the versions list.
 *
 * @public
 */
export type ImageVersionListQuery = z.output<
  typeof imageVersionListQuerySchema
>;
