import { BuildStore } from '../database';
import { OciRegistryClient, RepositoryRef } from '../registry';

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
 * (the current one among them)
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
  now: Date;
}): Promise<PruneOutcome> {
  const runs = (await options.store.listRetained(options.imageName)).filter(
    r => r.id !== options.current.id,
  );
  const kept = [
    options.current,
    ...runs.slice(0, Math.max(0, options.keep - 1)),
  ];
  const old = runs.slice(kept.length - 1);
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
