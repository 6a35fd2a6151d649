import { BuildStore } from '../database';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { OciRegistryClient, RepositoryRef } from '../registry';
import { BuildLog } from './BuildLog';
import { RunRegistryAccess } from './RunRegistryAccess';

/** What {@link pruneOldBuilds} did. */
export interface PruneOutcome {
  /** Runs whose images were removed. */
  pruned: string[];
  /** Manifests deleted. */
  deleted: string[];
  /** Set when the registry refuses deletes: nothing was removed. */
  unsupported?: boolean;
}

/** Every manifest a run's index names: its own and its platforms' (built or reused). */
function digestsOf(run: {
  indexDigest?: string;
  platforms: Array<{ digest?: string }>;
}) {
  return [
    ...(run.indexDigest ? [run.indexDigest] : []),
    ...run.platforms.flatMap(p => (p.digest ? [p.digest] : [])),
  ];
}

/**
 * The retention policy: keeps the newest `keep` successful runs of an image
 * (the current one among them) and those whose version a lifecycle stage
 * holds or held just before,
 * in the registry and deletes the manifests of the older ones (their
 * versioned tags go with them). A manifest that a kept run still uses (a
 * platform reused from an older run, an index identical to a newer one) is
 * never deleted. Runs are marked pruned only once the registry has let go of
 * all their manifests, so a registry that refused is asked again next time.
 */
export async function pruneOldBuilds(options: {
  store: Pick<BuildStore, 'listRetained' | 'markPruned'>;
  client: Pick<OciRegistryClient, 'deleteManifest'>;
  repository: RepositoryRef;
  imageName: string;
  /** The run that just pushed, not recorded as succeeded yet; it counts as kept. */
  current: {
    id: string;
    indexDigest: string;
    platforms: Array<{ digest?: string }>;
  };
  keep: number;
  /**
   * Index digests that lifecycle stages hold or held just before (for a
   * rollback): their runs stay whatever their age.
   */
  held?: string[];
  now: Date;
}): Promise<PruneOutcome> {
  const runs = (await options.store.listRetained(options.imageName)).filter(
    r => r.id !== options.current.id,
  );
  const newest = runs.slice(0, Math.max(0, options.keep - 1));
  const held = new Set(options.held ?? []);
  const old = runs
    .slice(newest.length)
    .filter(r => !r.indexDigest || !held.has(r.indexDigest));
  const kept = [options.current, ...runs.filter(r => !old.includes(r))];
  const inUse = new Set(kept.flatMap(digestsOf));
  const outcome: PruneOutcome = { pruned: [], deleted: [] };
  const done = new Set<string>();
  for (const run of old) {
    for (const digest of digestsOf(run)) {
      if (inUse.has(digest) || done.has(digest)) continue;
      const result = await options.client.deleteManifest(
        options.repository,
        digest,
      );
      if (result === 'unsupported') {
        outcome.unsupported = true;
        await options.store.markPruned(outcome.pruned, options.now);
        return outcome;
      }
      done.add(digest);
      if (result === 'deleted') outcome.deleted.push(digest);
    }
    outcome.pruned.push(run.id);
  }
  await options.store.markPruned(outcome.pruned, options.now);
  return outcome;
}

/**
 * Runs {@link pruneOldBuilds} for a run that just pushed, and says in the
 * run's log what it removed; a failure is logged, the run stands.
 */
export async function applyRetention(options: {
  image: ImageEntityV1alpha1;
  keep: number;
  store: Pick<BuildStore, 'listRetained' | 'markPruned'>;
  registry: RunRegistryAccess;
  log: BuildLog;
  current: Parameters<typeof pruneOldBuilds>[0]['current'];
  /** Digests the image's stages hold (and held before), never pruned. */
  held?: string[];
  now: Date;
}): Promise<void> {
  const { spec } = options.image;
  const { keep, log, registry } = options;
  try {
    const outcome = await registry.withAuth(spec.registry, undefined, () =>
      pruneOldBuilds({
        store: options.store,
        client: registry.client(),
        repository: { registry: spec.registry, repository: spec.repository },
        imageName: options.image.metadata.name,
        current: options.current,
        keep,
        held: options.held,
        now: options.now,
      }),
    );
    if (outcome.unsupported) {
      log.system(
        `Retention: ${spec.registry} does not allow deletes (Distribution: storage.delete.enabled), so older builds stay`,
      );
    } else if (outcome.pruned.length > 0) {
      log.system(
        `Retention (keep ${keep}): removed ${outcome.pruned.length} older build(s), ${outcome.deleted.length} manifest(s)`,
      );
    }
  } catch (e) {
    log.system(
      `Retention: removing older builds failed (${
        (e as Error).message
      }); they stay until the next run`,
    );
  }
}
