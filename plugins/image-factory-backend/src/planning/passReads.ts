import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import {
  BuildRunRecord,
  CurrentDigests,
  DigestStore,
  RebuildPlanStore,
  storedReferenceKey,
} from '../database';

/** What one pass reads once for all its images, instead of once per image. */
export interface PassReads {
  /** The current digests, as read with the pass's scope. */
  digests: Pick<DigestStore, 'getCurrent'>;
  /** When an old digest was last seen, asked once per base and digest. */
  plans: Pick<RebuildPlanStore, 'digestLastSeen'>;
  /** The latest runs of an image never built successfully, newest first. */
  lastRuns: (imageName: string) => BuildRunRecord[];
  /** The buildable images, by entity ref. */
  byRef: Map<string, ImageEntityV1alpha1>;
}

export function createPassReads(options: {
  digests: Map<string, CurrentDigests>;
  recent: Map<string, BuildRunRecord[]>;
  plans: Pick<RebuildPlanStore, 'digestLastSeen'>;
  byRef: Map<string, ImageEntityV1alpha1>;
}): PassReads {
  const { digests, recent, plans, byRef } = options;
  const lastSeen = new Map<string, Promise<Date | undefined>>();
  return {
    digests: {
      getCurrent: async reference => digests.get(storedReferenceKey(reference)),
    },
    plans: {
      digestLastSeen: (reference, digest) => {
        const key = `${storedReferenceKey(reference)} ${digest}`;
        let seen = lastSeen.get(key);
        if (!seen) {
          seen = plans.digestLastSeen(reference, digest);
          lastSeen.set(key, seen);
        }
        return seen;
      },
    },
    lastRuns: imageName => recent.get(imageName) ?? [],
    byRef,
  };
}
