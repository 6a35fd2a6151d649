import {
  ImageRef,
  parseImageRef,
} from '@image-factory/plugin-image-factory-common';
import { LoggerService } from '@backstage/backend-plugin-api';
import { DigestStore, WatchedReference } from '../database';
import { RegistryRateLimit } from '../registry';
import { CheckSchedule } from './CheckSchedule';
import { DigestWatcherSummary, ManifestReader } from './digestWatcherTypes';
import { HostHeld } from './HostHeld';
import { indexPlatforms } from './indexPlatforms';
import { RegistryBudgets } from './RegistryBudgets';
import { TrackingCheckResult, TrackingMetrics } from './TrackingMetrics';

/** What one check of a reference works with. */
export interface CheckContext {
  store: DigestStore;
  registry: ManifestReader;
  logger: LoggerService;
  budgets: RegistryBudgets;
  schedule: CheckSchedule;
  metrics?: TrackingMetrics;
}

/** Takes a token for one request to the host, or holds the host back. */
async function takeToken(
  budgets: RegistryBudgets,
  registry: string,
  now: Date,
): Promise<void> {
  const token = await budgets.take(registry, now);
  if (token !== true) throw new HostHeld(token, 'budget');
}

/**
 * Checks one due reference: a HEAD, and a GET by digest only when the digest
 * is new (to learn each platform's child digest of an index); records what
 * it saw, reports a discovery or a change in `summary`, and schedules the
 * next check. Throws {@link HostHeld} when the host's budget or its
 * rate-limit headers say to wait, and the registry's errors otherwise.
 */
export async function checkReference(
  context: CheckContext,
  due: WatchedReference,
  now: Date,
  summary: DigestWatcherSummary,
  /** Aborts the check's registry requests. */
  signal?: AbortSignal,
): Promise<{ result: TrackingCheckResult; rateLimit?: RegistryRateLimit }> {
  const { store, registry, logger, budgets, schedule } = context;
  const ref: ImageRef = parseImageRef(due.reference);
  await takeToken(budgets, due.registry, now);
  const head = await registry.headManifest(ref, { signal });
  let rateLimit = head.rateLimit;
  if (rateLimit) await budgets.recordReported(due.registry, rateLimit, now);
  let result: TrackingCheckResult = 'unchanged';
  // A digest seen before is confirmed in one statement, without a GET;
  // only a new one is fetched and recorded.
  if (!(await store.confirmCurrent(due.reference, head.digest, now))) {
    if (rateLimit?.remaining === 0) {
      // A GET now would be refused (Docker Hub counts GETs, not HEADs);
      // the reference is checked again, HEAD and GET, after the reset.
      throw new HostHeld(
        new Date(now.getTime() + (rateLimit.resetMs ?? schedule.retryDelayMs)),
        'ratelimit-header',
      );
    }
    // On credit: a GET without a token would only repeat the HEAD later,
    // and a budget of one token would never get past a new digest.
    await budgets.take(due.registry, now, { onCredit: true });
    // By digest, so that a push between the HEAD and the GET cannot mix two manifests.
    const manifest = await registry.getManifest(
      {
        registry: ref.registry,
        repository: ref.repository,
        digest: head.digest,
      },
      { signal },
    );
    if (manifest.rateLimit) {
      rateLimit = manifest.rateLimit;
      await budgets.recordReported(due.registry, rateLimit, now);
    }
    const change = await store.recordObservation(
      due.reference,
      { digest: manifest.digest, platforms: indexPlatforms(manifest.json) },
      now,
    );
    if (change.previousDigest === undefined) {
      result = 'discovered';
      summary.discovered.push({
        reference: due.reference,
        digest: change.digest,
        firstSeenAt: change.firstSeenAt,
      });
    } else if (change.digestChanged) {
      result = 'changed';
      context.metrics?.digestChanged(due.registry);
      summary.changed.push({
        reference: due.reference,
        oldDigest: change.previousDigest,
        newDigest: change.digest,
        changedPlatforms: change.changedPlatforms,
        removedPlatforms: change.removedPlatforms,
        firstSeenAt: change.firstSeenAt,
      });
      logger.info('Base image digest changed', {
        reference: due.reference,
        oldDigest: change.previousDigest,
        newDigest: change.digest,
        changedPlatforms: change.changedPlatforms.join(','),
      });
    }
  }
  await store.recordCheck(due.reference, {
    checkedAt: now,
    nextCheckAt: schedule.after(now, schedule.intervalOf(due)),
  });
  return { result, rateLimit };
}
