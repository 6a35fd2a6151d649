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
    const { entries, version: allVersion } = await this.current(now);
    const chosen: Entry[] = [];
    const missing: ImageEntityV1alpha1[] = [];
    for (const image of images) {
      if ((image.spec.stages ?? []).length === 0) continue;
      const entry = entries.get(image.metadata.name);
      // An image object that is not the factory's current one (a caller's
      // own list) is worked out afresh.
      if (entry && entry.image === image) chosen.push(entry);
      else missing.push(image);
    }
    let extra = '';
    if (missing.length > 0) {
      const draft = await lifecycleOverviewDraft(missing, this.deps.sources);
      const fresh = toEntries(missing, draft);
      extra = JSON.stringify(draft.rows);
      const byName = new Map(chosen.map(e => [e.image.metadata.name, e]));
      for (const entry of fresh.values()) {
        byName.set(entry.image.metadata.name, entry);
      }
      chosen.length = 0;
      for (const image of images) {
        const entry = byName.get(image.metadata.name);
        if (entry) chosen.push(entry);
      }
    }
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
        allVersion,
        extra,
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
    this.last = {
      all,
      stamp,
      at: now.getTime(),
      entries: toEntries(all, draft),
      // The same overview keeps its version across recomputations and
      // across backends.
      version: sha1(JSON.stringify(draft.rows)),
    };
    return this.last;
  }
}

function toEntries(
  images: ImageEntityV1alpha1[],
  draft: LifecycleOverviewDraft,
): Map<string, Entry> {
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
  return entries;
}
