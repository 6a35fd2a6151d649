import {
  ImageEntityV1alpha1,
  LifecycleOverviewRow,
} from '@image-factory/plugin-image-factory-common';
import { createHash } from 'crypto';
import {
  currentBasesOf,
  HeldStage,
  LifecycleOverviewDraft,
  lifecycleOverviewDraft,
  LifecycleOverviewSources,
  markStale,
  staleStages,
} from './lifecycleOverview';

/**
 * How long a computed overview is kept at most, whatever the stamps say: a
 * change they cannot see (a write in the same millisecond as the newest one,
 * a pruned run) shows within this time.
 */
export const OVERVIEW_MAX_AGE_MS = 60_000;

/** An overview and the version a reader can ask with (an ETag). */
export interface VersionedOverview {
  items: LifecycleOverviewRow[];
  /** Changes whenever `items` may differ; the same items give the same version. */
  version: string;
}

interface Entry {
  image: ImageEntityV1alpha1;
  row: LifecycleOverviewRow;
  held: HeldStage[];
}

const sha1 = (text: string) =>
  createHash('sha1').update(text).digest('hex').slice(0, 20);

/**
 * The lifecycle overview of every image, computed again only when something
 * it is made of changed: the images (the same array while images.yaml is the
 * same), the stage states and waiting moves, or the build ledger (each told
 * by a stamp of a few indexed reads). What depends on the time of asking,
 * whether a held build's base was replaced long enough ago, is worked out on
 * every call from the current digests of the bases held stages use. The
 * catalog module reads the overview on every refresh; at 10,000 images
 * computing and serializing it took some 60 ms each time.
 */
export class LifecycleOverviewCache {
  private last?: {
    all: ImageEntityV1alpha1[];
    stamp: string;
    at: number;
    entries: Map<string, Entry>;
    /** Of the content, not the time it was computed: the same rows keep it. */
    version: string;
  };

  constructor(
    private readonly deps: {
      /** Every image the factory knows now (the same array while unchanged). */
      images: () => ImageEntityV1alpha1[];
      sources: LifecycleOverviewSources;
      /** Changes whenever stage states, waiting moves or runs change. */
      stamp: () => Promise<string>;
      staleAfterMs: number;
      now?: () => Date;
      maxAgeMs?: number;
    },
  ) {}

  async overview(images: ImageEntityV1alpha1[]): Promise<VersionedOverview> {
    const now = this.deps.now?.() ?? new Date();
    const staged = images.filter(i => (i.spec.stages ?? []).length > 0);
    let kept = await this.current(now);
    // A caller's own image objects (not the factory's current ones) are
    // worked out afresh, all of them.
    if (staged.some(i => kept.entries.get(i.metadata.name)?.image !== i)) {
      kept = fromDraft(
        staged,
        await lifecycleOverviewDraft(staged, this.deps.sources),
      );
    }
    const chosen = staged.map(i => kept.entries.get(i.metadata.name)!);
    const held = chosen.flatMap(e => e.held);
    const current = await currentBasesOf(held, this.deps.sources);
    const stale = staleStages(held, current, {
      staleAfterMs: this.deps.staleAfterMs,
      now,
    });
    const items = markStale(
      chosen.map(e => e.row),
      stale,
    );
    const version = sha1(
      [
        kept.version,
        chosen.map(e => e.image.metadata.name).join('\n'),
        JSON.stringify([...stale]),
      ].join('\0'),
    );
    return { items, version };
  }

  private async current(
    now: Date,
  ): Promise<{ entries: Map<string, Entry>; version: string }> {
    const all = this.deps.images();
    const stamp = await this.deps.stamp();
    const last = this.last;
    if (
      last &&
      last.all === all &&
      last.stamp === stamp &&
      now.getTime() - last.at < (this.deps.maxAgeMs ?? OVERVIEW_MAX_AGE_MS) &&
      now.getTime() >= last.at
    ) {
      return last;
    }
    const draft = await lifecycleOverviewDraft(all, this.deps.sources);
    this.last = { all, stamp, at: now.getTime(), ...fromDraft(all, draft) };
    return this.last;
  }
}

/**
 * Each image's row and held stages, and a version of the content (not of the
 * time it was computed: the same rows keep it, on any backend).
 */
function fromDraft(
  images: ImageEntityV1alpha1[],
  draft: LifecycleOverviewDraft,
): { entries: Map<string, Entry>; version: string } {
  const byName = new Map(images.map(i => [i.metadata.name, i]));
  const held = new Map<string, HeldStage[]>();
  for (const h of draft.held) {
    held.set(h.imageName, [...(held.get(h.imageName) ?? []), h]);
  }
  const entries = new Map<string, Entry>();
  for (const row of draft.rows) {
    entries.set(row.imageName, {
      image: byName.get(row.imageName)!,
      row,
      held: held.get(row.imageName) ?? [],
    });
  }
  return { entries, version: sha1(JSON.stringify(draft.rows)) };
}
