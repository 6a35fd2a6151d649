import { NoExecutorError } from './errors';

/** What placement knows of an executor. */
export interface PlacementCandidate {
  id: string;
  /** Platforms it builds, natively or emulated. */
  platforms: string[];
  /** The subset of `platforms` it emulates (QEMU). */
  emulatedPlatforms: string[];
  /** Builds it takes at once; 1 when absent. */
  concurrency?: number;
}

/** Where one platform of a run is built. */
export interface Placement {
  platform: string;
  executor: string;
  emulated: boolean;
}

/**
 * Places each platform on an executor that declares it, preferring one that
 * builds it natively (QEMU emulation costs several times the build time),
 * then the least loaded for its size: the platforms `busy` on it (building
 * now, by any backend) and those of this run so far, per slot of its
 * `concurrency`; then the configuration's order. Throws
 * {@link NoExecutorError} naming every platform that no executor declares.
 */
export function placePlatforms(
  platforms: string[],
  candidates: PlacementCandidate[],
  busy: ReadonlyMap<string, number> = new Map(),
): Placement[] {
  const missing = platforms.filter(
    p => !candidates.some(c => c.platforms.includes(p)),
  );
  if (missing.length > 0) {
    throw new NoExecutorError(
      `No executor builds ${missing.join(', ')} (configured: ${
        candidates.map(c => `${c.id} [${c.platforms.join(', ')}]`).join('; ') ||
        'none'
      })`,
    );
  }
  const load = new Map<string, number>(busy);
  const loadOf = (c: PlacementCandidate) =>
    (load.get(c.id) ?? 0) / Math.max(1, c.concurrency ?? 1);
  return platforms.map(platform => {
    const ranked = candidates
      .map((candidate, order) => ({
        candidate,
        order,
        emulated: candidate.emulatedPlatforms.includes(platform),
      }))
      .filter(({ candidate }) => candidate.platforms.includes(platform))
      .sort(
        (a, b) =>
          Number(a.emulated) - Number(b.emulated) ||
          loadOf(a.candidate) - loadOf(b.candidate) ||
          a.order - b.order,
      );
    const best = ranked[0];
    load.set(best.candidate.id, (load.get(best.candidate.id) ?? 0) + 1);
    return {
      platform,
      executor: best.candidate.id,
      emulated: best.emulated,
    };
  });
}
