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
  /** The digest tracking sees now for each base reference, and since when, in one read. */
  currentBases: (references: string[]) => Promise<Map<string, CurrentBase>>;
}

const finishedAt = (run: BuildRun) =>
  new Date(run.finishedAt ?? run.createdAt).getTime();

/** What a base reference's tracking sees now, and since when. */
export interface CurrentBase {
  digest: string;
  since: Date;
}

/**
 * A stage that holds a build: the base digests it was built on, which decide
 * whether it is stale at the time of asking.
 */
export interface HeldStage {
  imageName: string;
  stage: string;
  baseDigests: Record<string, string>;
}

/** The overview without what depends on the time of asking. */
export interface LifecycleOverviewDraft {
  rows: LifecycleOverviewRow[];
  held: HeldStage[];
}

const stageKey = (imageName: string, stage: string) => `${imageName}\0${stage}`;

/**
 * Every image with stages in one table: what each stage holds, how far it
 * lags the newest build, and what waits to enter it. Staleness is left to
 * `markStale`, as it changes with the time and the bases' digests.
 */
export async function lifecycleOverviewDraft(
  images: ImageEntityV1alpha1[],
  sources: Pick<
    LifecycleOverviewSources,
    'states' | 'waiting' | 'runs' | 'runsOf'
  >,
): Promise<LifecycleOverviewDraft> {
  const staged = images.filter(i => (i.spec.stages ?? []).length > 0);
  const names = staged.map(i => i.metadata.name);
  // Looked up by image and stage: 10,000 images with three stages each must
  // not scan every state for every stage.
  const states = new Map(
    (await sources.states(names)).map(s => [stageKey(s.imageName, s.stage), s]),
  );
  const waiting = new Map(
    (await sources.waiting()).map(m => [stageKey(m.imageName, m.stage), m]),
  );
  const allRuns = await sources.runsOf?.(names);
  const rows: LifecycleOverviewRow[] = [];
  const held: HeldStage[] = [];
  for (const image of staged) {
    const name = image.metadata.name;
    const runs = (
      allRuns ? allRuns.get(name) ?? [] : await sources.runs(name)
    ).filter(r => r.status === 'succeeded' && r.indexDigest);
    const newest = runs[0];
    const stages: LifecycleOverviewStage[] = [];
    for (const policy of stagePolicies(image)) {
      const state = states.get(stageKey(name, policy.name));
      const move = waiting.get(stageKey(name, policy.name));
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
          const baseDigests = runs[at].inputs.baseDigests ?? {};
          if (Object.keys(baseDigests).length > 0) {
            held.push({ imageName: name, stage: policy.name, baseDigests });
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
  return { rows, held };
}

/** The base references whose current digest decides whether a held stage is stale. */
export function heldBases(held: HeldStage[]): string[] {
  return [...new Set(held.flatMap(h => Object.keys(h.baseDigests)))];
}

/**
 * Which held stages are stale now: built on a base digest that was replaced
 * longer than `staleAfterMs` ago. Keyed by image and stage.
 */
export function staleStages(
  held: HeldStage[],
  current: Map<string, CurrentBase>,
  options: { staleAfterMs: number; now: Date },
): Map<string, { base: string; replacedAt: string }> {
  const stale = new Map<string, { base: string; replacedAt: string }>();
  for (const h of held) {
    for (const [base, used] of Object.entries(h.baseDigests)) {
      const now = current.get(base);
      if (
        now &&
        now.digest !== used &&
        options.now.getTime() - now.since.getTime() > options.staleAfterMs
      ) {
        stale.set(stageKey(h.imageName, h.stage), {
          base,
          replacedAt: now.since.toISOString(),
        });
        break;
      }
    }
  }
  return stale;
}

/** The rows with their stale stages marked (rows with none are kept as they are). */
export function markStale(
  rows: LifecycleOverviewRow[],
  stale: Map<string, { base: string; replacedAt: string }>,
): LifecycleOverviewRow[] {
  if (stale.size === 0) return rows;
  return rows.map(row =>
    row.stages.some(s => stale.has(stageKey(row.imageName, s.name)))
      ? {
          ...row,
          stages: row.stages.map(s => {
            const mark = stale.get(stageKey(row.imageName, s.name));
            return mark ? { ...s, stale: mark } : s;
          }),
        }
      : row,
  );
}

/** What the bases used by held stages are now (nothing is read when none is held). */
export async function currentBasesOf(
  held: HeldStage[],
  sources: Pick<LifecycleOverviewSources, 'currentBases'>,
): Promise<Map<string, CurrentBase>> {
  const bases = heldBases(held);
  return bases.length === 0 ? new Map() : sources.currentBases(bases);
}

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
  const { rows, held } = await lifecycleOverviewDraft(images, sources);
  const current = await currentBasesOf(held, sources);
  return markStale(rows, staleStages(held, current, options));
}
