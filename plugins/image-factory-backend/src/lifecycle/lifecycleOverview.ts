import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  BuildRun,
  ImageEntityV1alpha1,
  LifecycleOverviewRow,
  LifecycleOverviewStage,
} from '@image-factory/plugin-image-factory-common';
import { StageMoveRecord, StageStateRecord } from '../database';
import { stagePolicies } from './stagePolicies';

/** What the overview reads, each in one batch where it can. */
export interface LifecycleOverviewSources {
  /** Every stage state of these images. */
  states: (imageNames: string[]) => Promise<StageStateRecord[]>;
  /** Moves waiting for a gate. */
  waiting: () => Promise<StageMoveRecord[]>;
  /** An image's runs, newest first. */
  runs: (imageName: string) => Promise<BuildRun[]>;
  /** The runs of many images at once, newest first: one read, not one per image. */
  runsOf?: (imageNames: string[]) => Promise<Map<string, BuildRun[]>>;
  /** The digest tracking sees now for a base reference, and since when. */
  currentBase: (
    reference: string,
  ) => Promise<{ digest: string; since: Date } | undefined>;
}

const finishedAt = (run: BuildRun) =>
  new Date(run.finishedAt ?? run.createdAt).getTime();

/**
 * Every image with stages in one table: what each stage holds, how far it
 * lags the newest build, whether it is stale (built on a base digest that
 * was replaced longer than `staleAfterMs` ago), and what waits to enter it.
 */
export async function lifecycleOverview(
  images: ImageEntityV1alpha1[],
  sources: LifecycleOverviewSources,
  options: { staleAfterMs: number; now: Date },
): Promise<LifecycleOverviewRow[]> {
  const staged = images.filter(i => (i.spec.stages ?? []).length > 0);
  const states = await sources.states(staged.map(i => i.metadata.name));
  const waiting = await sources.waiting();
  const allRuns = await sources.runsOf?.(staged.map(i => i.metadata.name));
  const bases = new Map<
    string,
    Promise<{ digest: string; since: Date } | undefined>
  >();
  const currentBase = (ref: string) => {
    if (!bases.has(ref)) bases.set(ref, sources.currentBase(ref));
    return bases.get(ref)!;
  };
  const rows: LifecycleOverviewRow[] = [];
  for (const image of staged) {
    const name = image.metadata.name;
    const runs = (
      allRuns ? allRuns.get(name) ?? [] : await sources.runs(name)
    ).filter(r => r.status === 'succeeded' && r.indexDigest);
    const newest = runs[0];
    const stages: LifecycleOverviewStage[] = [];
    for (const policy of stagePolicies(image)) {
      const state = states.find(
        s => s.imageName === name && s.stage === policy.name,
      );
      const move = waiting.find(
        m => m.imageName === name && m.stage === policy.name,
      );
      const stage: LifecycleOverviewStage = {
        name: policy.name,
        tag: policy.tag,
        ...(move?.waitingFor && {
          waiting: {
            moveId: move.id,
            digest: move.toDigest,
            waitingFor: move.waitingFor,
          },
        }),
      };
      if (state) {
        stage.digest = state.digest;
        stage.updatedAt = state.updatedAt.toISOString();
        const at = runs.findIndex(r => r.indexDigest === state.digest);
        if (at >= 0) {
          const newer = new Set(runs.slice(0, at).map(r => r.indexDigest));
          newer.delete(state.digest);
          stage.versionsBehind = newer.size;
          stage.behindMs = Math.max(
            0,
            finishedAt(newest) - finishedAt(runs[at]),
          );
          for (const [base, used] of Object.entries(
            runs[at].inputs.baseDigests ?? {},
          )) {
            const current = await currentBase(base);
            if (
              current &&
              current.digest !== used &&
              options.now.getTime() - current.since.getTime() >
                options.staleAfterMs
            ) {
              stage.stale = { base, replacedAt: current.since.toISOString() };
              break;
            }
          }
        }
      }
      stages.push(stage);
    }
    rows.push({
      imageName: name,
      entityRef: stringifyEntityRef(image),
      owner: image.spec.owner,
      ...(newest && {
        newestDigest: newest.indexDigest,
        newestBuiltAt: new Date(finishedAt(newest)).toISOString(),
      }),
      stages,
    });
  }
  return rows;
}
