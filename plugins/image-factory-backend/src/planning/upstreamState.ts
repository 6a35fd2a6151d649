import { BuildRunRecord, PlannedReason, RebuildPlan } from '../database';

/** Where the factory images an image is built FROM stand, in this pass. */
export interface UpstreamState {
  /** Upstream images being rebuilt, or never built: the image waits for them. */
  waitingFor: string[];
  /** Their reasons, shown for context. */
  inherited: PlannedReason[];
  /** When their rebuilds became eligible. */
  upstreamEligible: Date[];
  /** Why the image cannot go: an upstream rebuild is blocked. */
  blockedReason?: string;
  /** Its depth in the cascade. */
  depth: number;
  /** Upstream images never built successfully and not planned either. */
  unbuilt: string[];
}

/**
 * The state of an image's upstream images from their plans of this pass
 * (`status`) and their last successful builds. An upstream image with no
 * successful build is waited for, so the image is not built FROM a base that
 * does not exist; `unbuilt` lists those without a plan, which alone do not
 * make a plan for the image.
 */
export function upstreamState(
  upstream: string[],
  status: Map<string, RebuildPlan>,
  lastBuilds: Map<string, BuildRunRecord | undefined>,
): UpstreamState {
  const state: UpstreamState = {
    waitingFor: [],
    inherited: [],
    upstreamEligible: [],
    depth: 1,
    unbuilt: [],
  };
  for (const u of upstream) {
    const up = status.get(u);
    if (!up) {
      if (!lastBuilds.get(u)) state.unbuilt.push(u);
      continue;
    }
    state.inherited.push(
      ...up.reasons.map(r => ({ ...r, kind: 'inherited' as const })),
    );
    state.depth = Math.max(state.depth, up.depth + 1);
    state.upstreamEligible.push(up.eligibleAt);
    if (up.state === 'blocked') {
      state.blockedReason ??= up.failedRunId
        ? `upstream ${u}: ${up.blockedReason}`
        : `upstream ${u} is blocked: ${up.blockedReason}`;
    } else {
      state.waitingFor.push(u);
    }
  }
  return state;
}
