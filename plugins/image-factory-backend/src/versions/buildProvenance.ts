import {
  BuildRun,
  canonicalImageRef,
  ImageVersionBuild,
  ImageVersionLineage,
} from '@image-factory/plugin-image-factory-common';

/** What the factory knows of a base reference, for lineage links and "behind". */
export interface BaseFacts {
  /** The base's Image entity and name, when the factory has one. */
  entity?: { entityRef: string; imageName: string };
  /** The base's manifest or index digests, newest first, as tracking saw them. */
  history?: string[];
}

/** The runs that pushed each digest (the newest run when several did). */
export function runsByDigest(runs: BuildRun[]): Map<string, BuildRun> {
  const byDigest = new Map<string, BuildRun>();
  // Oldest first, so that the newest run of a digest is kept.
  const sorted = [...runs].sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  for (const run of sorted) {
    if (run.status === 'succeeded' && run.indexDigest) {
      byDigest.set(run.indexDigest, run);
    }
  }
  return byDigest;
}

/** Why the run built the version, from the ledger. */
export function buildOf(run: BuildRun): ImageVersionBuild {
  return {
    runId: run.id,
    cause: run.cause,
    ...(run.causeDetail && { causeDetail: run.causeDetail }),
    ...(run.requestedBy && { requestedBy: run.requestedBy }),
    ...(run.inputs.sourceRevision && {
      sourceRevision: run.inputs.sourceRevision,
    }),
    ...(run.inputs.buildArgs &&
      Object.keys(run.inputs.buildArgs).length > 0 && {
        buildArgs: run.inputs.buildArgs,
      }),
    ...(run.finishedAt && { finishedAt: run.finishedAt }),
  };
}

/** The canonical base references of runs, deduplicated. */
export function basesOf(runs: BuildRun[]): string[] {
  return [
    ...new Set(
      runs
        .flatMap(r => Object.keys(r.inputs.baseDigests ?? {}))
        .map(canonicalOrSpelled),
    ),
  ];
}

/** The bases the run built FROM, with links and how far behind each is. */
export function lineageOf(
  run: BuildRun,
  facts: (reference: string) => BaseFacts,
): ImageVersionLineage[] {
  return Object.entries(run.inputs.baseDigests ?? {})
    .map(([spelled, digest]) => {
      const reference = canonicalOrSpelled(spelled);
      const { entity, history } = facts(reference);
      const index = history?.indexOf(digest) ?? -1;
      return {
        reference,
        digest,
        ...(entity && {
          entityRef: entity.entityRef,
          imageName: entity.imageName,
        }),
        ...(history?.[0] && { newestDigest: history[0] }),
        ...(index >= 0 && { versionsBehind: index }),
      };
    })
    .sort((a, b) => a.reference.localeCompare(b.reference));
}

function canonicalOrSpelled(reference: string): string {
  try {
    return canonicalImageRef(reference);
  } catch {
    return reference;
  }
}
