import {
  ImageEntityV1alpha1,
  parseShortDuration,
} from '@image-factory/plugin-image-factory-common';
import { PlannedReason, RebuildPlan } from '../database';
import { computeTiming, RebuildTiming } from './timing';

/** `rebuild.coalesceWindow` when an image does not set it: 30 minutes. */
const DEFAULT_COALESCE_MS = 30 * 60 * 1000;

/**
 * When a plan may go: after the image's `rebuild.delay` from the new
 * digests' first sight, once its bases went quiet for `rebuild.coalesceWindow`
 * (or at the maximum wait), and after the upstream builds it waits for.
 * Builds images.yaml asks for (`own`) skip the delays; an emergency counts
 * from its creation. Sets the plan's times and returns them.
 */
export function planTiming(
  plan: RebuildPlan,
  input: {
    image: ImageEntityV1alpha1;
    own: boolean;
    emergency: boolean;
    external: PlannedReason[];
    fromUpstream: PlannedReason[];
    /** When the upstream images it waits for may go. */
    upstreamDue: Date[];
    isNew: boolean;
    maxWaitMs: number;
    now: Date;
  },
): RebuildTiming {
  const { own, emergency, now } = input;
  const policy = input.image.spec.rebuild ?? {};
  const timing = computeTiming({
    // Builds images.yaml asks for skip the delays; they still go after
    // their upstream images.
    firstSeen: own ? [] : input.external.map(r => new Date(r.firstSeenAt)),
    upstreamPushed: emergency
      ? [plan.createdAt]
      : [
          ...(own ? [] : input.fromUpstream.map(r => new Date(r.firstSeenAt))),
          ...input.upstreamDue,
        ],
    delayMs: parseShortDuration(policy.delay ?? '0s') ?? 0,
    coalesceMs:
      parseShortDuration(policy.coalesceWindow ?? '') ?? DEFAULT_COALESCE_MS,
    maxWaitMs: input.maxWaitMs,
    previousMaxWaitUntil: input.isNew ? undefined : plan.maxWaitUntil,
    now,
  });
  plan.eligibleAt = timing.eligibleAt;
  plan.maxWaitUntil = timing.maxWaitUntil;
  if (timing.quietUntil) plan.quietUntil = timing.quietUntil;
  else delete plan.quietUntil;
  return timing;
}
