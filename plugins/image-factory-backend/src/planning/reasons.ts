import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import {
  BuildRunRecord,
  DigestStore,
  PlannedReason,
  RebuildPlanStore,
} from '../database';
import { storedReferenceKey, trackingKey } from '../tracking';

/** What the planner reads of the dependency graph (the graph service's snapshot fits). */
export interface ImageBases {
  /** Canonical references of the bases the image is built FROM; with `platform`, those that platform's build uses. */
  basesOf(entityRef: string, platform?: string): string[];
  /**
   * Canonical references of the bases a stage with a fixed `FROM --platform`
   * uses (`--platform=$BUILDPLATFORM`: a cross-compiling stage runs on the
   * executor's own platform): a new image of any of their platforms can
   * change every platform's build.
   */
  fixedPlatformBasesOf?(entityRef: string): string[];
  /** Whether the image's Dockerfile has been read yet (its bases are unknown until then). */
  basesKnown?(entityRef: string): boolean;
}

// Runs and plans keep references as they were spelled then: compared by key.
const key = storedReferenceKey;

/** The digest a run recorded for a base, whatever spelling the run used. */
export function recordedDigest(
  run: BuildRunRecord | undefined,
  base: string,
): string | undefined {
  const digests = run?.inputs.baseDigests ?? {};
  const wanted = key(base);
  for (const [reference, digest] of Object.entries(digests)) {
    if (key(reference) === wanted) return digest;
  }
  return undefined;
}

/** True when an image platform and a base platform name the same target (`linux/arm64` and `linux/arm64/v8`). */
export function samePlatform(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * The new digests of the watched bases of an image, compared with the
 * digests its last successful build used (or, never built, its last failed
 * attempt). A base its last build did not record is left out: the factory
 * cannot tell whether it changed; but one a failed attempt did not record
 * (it was not found then) counts once a digest of it was first seen after
 * the attempt began.
 */
export async function externalReasons(options: {
  bases: string[];
  lastBuild: BuildRunRecord | undefined;
  digests: Pick<DigestStore, 'getCurrent'>;
  plans: Pick<RebuildPlanStore, 'digestLastSeen'>;
}): Promise<PlannedReason[]> {
  const { bases, lastBuild } = options;
  const reasons: PlannedReason[] = [];
  for (const base of bases) {
    const old = recordedDigest(lastBuild, base);
    const tracked = trackingKey(base);
    if (!tracked) continue;
    // A failed attempt records no digest for a base it could not find: that
    // base appearing after the attempt began is what lets the image build.
    const attemptBegan =
      !old && lastBuild && lastBuild.status !== 'succeeded'
        ? new Date(lastBuild.createdAt)
        : undefined;
    if (!old && !attemptBegan) continue;
    const current = await options.digests.getCurrent(tracked);
    if (!current || current.digest.digest === old) continue;
    if (attemptBegan && current.digest.firstSeenAt <= attemptBegan) continue;
    const reason: PlannedReason = {
      kind: 'external',
      baseReference: base,
      oldDigest: old,
      ...(attemptBegan ? { notFoundBefore: true } : {}),
      newDigest: current.digest.digest,
      firstSeenAt: current.digest.firstSeenAt.toISOString(),
    };
    // A child digest first seen before tracking last saw the old index was
    // already part of it: that platform did not change.
    const oldLastSeen =
      old && (await options.plans.digestLastSeen(tracked, old));
    if (oldLastSeen && current.platforms.length > 0) {
      const changed = current.platforms
        .filter(p => p.firstSeenAt > oldLastSeen)
        .map(p => p.platform);
      if (changed.length < current.platforms.length) reason.platforms = changed;
    }
    reasons.push(reason);
  }
  return reasons;
}

/** A managed image's build, as its dependents see it. */
export interface UpstreamBuild {
  entityRef: string;
  reference: string;
  lastBuild: BuildRunRecord | undefined;
}

/**
 * The managed images this one is built FROM that pushed a build after its
 * own last build (or a digest other than the one it recorded).
 */
export function upstreamReasons(
  lastBuild: BuildRunRecord | undefined,
  upstream: UpstreamBuild[],
): PlannedReason[] {
  if (!lastBuild) return [];
  const reasons: PlannedReason[] = [];
  for (const u of upstream) {
    const pushed = u.lastBuild;
    if (!pushed?.indexDigest || !pushed.finishedAt) continue;
    const old = recordedDigest(lastBuild, u.reference);
    const newer = old
      ? old !== pushed.indexDigest
      : pushed.finishedAt > lastBuild.createdAt;
    if (!newer) continue;
    reasons.push({
      kind: 'upstream',
      baseReference: u.reference,
      ...(old ? { oldDigest: old } : {}),
      newDigest: pushed.indexDigest,
      firstSeenAt: pushed.finishedAt,
    });
  }
  return reasons;
}

/** Reasons of both lists, one per base and new digest, the later list winning. */
export function mergeReasons(...lists: PlannedReason[][]): PlannedReason[] {
  const merged = new Map<string, PlannedReason>();
  for (const reason of lists.flat()) {
    merged.set(`${key(reason.baseReference)} ${reason.newDigest}`, reason);
  }
  return [...merged.values()].sort(
    (a, b) =>
      a.firstSeenAt.localeCompare(b.firstSeenAt) ||
      a.baseReference.localeCompare(b.baseReference),
  );
}

/**
 * The image's platforms a set of reasons rebuilds: those whose build uses a
 * changed base, and, for a multi-platform base, whose base platform changed.
 */
export function affectedPlatforms(
  image: ImageEntityV1alpha1,
  entityRef: string,
  reasons: PlannedReason[],
  bases: ImageBases,
): string[] {
  const all = image.spec.platforms;
  if (reasons.some(r => r.kind !== 'external')) return all;
  const fixed = new Set(
    (bases.fixedPlatformBasesOf?.(entityRef) ?? []).map(key),
  );
  return all.filter(platform => {
    const used = new Set(bases.basesOf(entityRef, platform).map(key));
    return reasons.some(
      r =>
        (used.size === 0 || used.has(key(r.baseReference))) &&
        (!r.platforms ||
          fixed.has(key(r.baseReference)) ||
          r.platforms.some(p => samePlatform(platform, p))),
    );
  });
}
