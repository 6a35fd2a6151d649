import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { stagePolicies } from './stagePolicies';

/**
 * How far back a pass looks before the start of the pass before it: room for
 * clocks that differ between backends and for a write the previous pass did
 * not see yet.
 */
const SLACK_MS = 5 * 60 * 1000;
/** A pass at least this often looks at every image that has a history. */
export const DEFAULT_FULL_PROMOTION_PASS_MS = 60 * 60 * 1000;

/** What the scope asks the database, each in one query (or a few chunks). */
export interface AutoPromotionSources {
  /** Names of the images with a run created or ended at or after `since`. */
  runsChangedSince(since: Date): Promise<string[]>;
  /** Names of the images with a stage state changed, or a move begun or ended, at or after `since`. */
  stagesChangedSince(since: Date): Promise<string[]>;
  /** Which of these images have a succeeded run or a stage state. */
  withHistory(imageNames: string[]): Promise<Set<string>>;
}

/**
 * The images an auto-promotion pass looks at, so that a pass costs what
 * changed, not the number of images: of those with an `auto` stage, the ones
 * whose stage policies are new or changed and that have something to promote
 * (a succeeded run or a stage state), those with a run created or ended since
 * just before the previous pass, and those with a stage state or move changed
 * since then or within the longest soak before it (a soak that ends now). The
 * first pass of a backend, and one at least every hour, looks at every image
 * that has a history, in case something changed that none of these shows.
 */
export class AutoPromotionScope {
  private policies = new Map<string, string>();
  private lastPassAt?: number;
  private lastFullAt?: number;
  private retry = new Set<string>();

  constructor(
    private readonly sources: AutoPromotionSources,
    private readonly fullPassIntervalMs = DEFAULT_FULL_PROMOTION_PASS_MS,
  ) {}

  async select(
    images: ImageEntityV1alpha1[],
    now: Date,
  ): Promise<ImageEntityV1alpha1[]> {
    const policies = new Map<string, string>();
    const auto: ImageEntityV1alpha1[] = [];
    let longestSoakMs = 0;
    for (const image of images) {
      const stages = stagePolicies(image);
      const autoStages = stages.filter(s => s.promotion === 'auto');
      if (autoStages.length === 0) continue;
      auto.push(image);
      policies.set(image.metadata.name, JSON.stringify(stages));
      for (const s of autoStages)
        longestSoakMs = Math.max(longestSoakMs, s.soakMs);
    }
    const at = now.getTime();
    const last = this.lastPassAt;
    const full =
      last === undefined ||
      this.lastFullAt === undefined ||
      at - this.lastFullAt >= this.fullPassIntervalMs ||
      // The clock went back: the window means nothing.
      at < last;

    const names = auto.map(i => i.metadata.name);
    const look = new Set(
      await this.sources.withHistory(
        full
          ? names
          : names.filter(n => this.policies.get(n) !== policies.get(n)),
      ),
    );
    if (!full) {
      const since = last - SLACK_MS;
      for (const name of await this.sources.runsChangedSince(new Date(since))) {
        look.add(name);
      }
      const stagesSince = new Date(since - longestSoakMs);
      for (const name of await this.sources.stagesChangedSince(stagesSince)) {
        look.add(name);
      }
      for (const name of this.retry) look.add(name);
    }

    this.policies = policies;
    this.lastPassAt = at;
    if (full) this.lastFullAt = at;
    this.retry = new Set();
    return auto.filter(i => look.has(i.metadata.name));
  }

  /** An image whose pass failed: the next pass looks at it again. */
  failed(imageName: string): void {
    this.retry.add(imageName);
  }
}
