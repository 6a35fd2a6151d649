import { BuildStore, CurrentDigests, DigestStore } from '../database';
import { PassContext } from './passContext';

/**
 * How far back a pass looks for runs created or ended, before the start of
 * the pass before it: room for clocks that differ between backends and for a
 * run ended just before the previous pass whose write it did not see yet.
 */
const RUN_SLACK_MS = 5 * 60 * 1000;
/** A pass at least this often looks at every image, whatever changed. */
export const DEFAULT_FULL_PASS_INTERVAL_MS = 60 * 60 * 1000;

/** The images one pass plans. */
export interface Scope {
  /** Every buildable image, as after a restart or a change of images.yaml. */
  full: boolean;
  /** Without `full`: images something new concerns (their dependents are added later). */
  seeds: Set<string>;
  /** The current digests of every observed reference, by stored key. */
  digests: Map<string, CurrentDigests>;
}

const signature = (c: CurrentDigests) =>
  [c.digest.digest, ...c.platforms.map(p => `${p.platform}=${p.digest}`)].join(
    ' ',
  );

/**
 * What changed since the previous pass of this planner, so that a pass plans
 * only the images it concerns: the bases whose current digests differ (one
 * query of every current digest), the runs created or ended since just before
 * the previous pass (one indexed query), the open plans (read anyway) and the
 * plans closed meanwhile, and the images a pass could not plan. What it knows
 * lives in memory: a new planner (a restart, another backend) starts with a
 * full pass, and so does a pass after images.yaml or the graph changed, and
 * one at least every `fullPassIntervalMs`, in case something changed that no
 * one of these shows.
 */
export class PassScope {
  private context?: PassContext;
  private digests = new Map<string, string>();
  private lastPassAt?: Date;
  private lastFullAt?: Date;
  private seenRuns = new Map<string, string>();
  private openAfter = new Set<string>();
  private retry = new Set<string>();

  constructor(
    private readonly options: {
      digests: Pick<DigestStore, 'listCurrent'>;
      builds: Pick<BuildStore, 'changedSince'>;
      fullPassIntervalMs: number;
    },
  ) {}

  /** What this pass plans, given its context and the open plans' image names. */
  async scope(input: {
    context: PassContext;
    contextChanged: boolean;
    open: Iterable<string>;
    now: Date;
  }): Promise<Scope> {
    const { context, now } = input;
    const current = await this.options.digests.listCurrent();
    const digests = new Map(current.map(c => [c.reference, c]));
    const signatures = new Map(current.map(c => [c.reference, signature(c)]));
    const since = new Date((this.lastPassAt ?? now).getTime() - RUN_SLACK_MS);
    const runs = await this.options.builds.changedSince(since);
    const seenRuns = new Map(runs.map(r => [r.id, r.status]));

    const full =
      !this.lastPassAt ||
      !this.lastFullAt ||
      input.contextChanged ||
      this.context !== context ||
      now.getTime() - this.lastFullAt.getTime() >=
        this.options.fullPassIntervalMs ||
      // The clock went back: the run window means nothing.
      now < this.lastPassAt;

    const seeds = new Set<string>();
    if (!full) {
      for (const key of new Set([
        ...signatures.keys(),
        ...this.digests.keys(),
      ])) {
        if (signatures.get(key) !== this.digests.get(key)) {
          for (const user of context.usersOfBase.get(key) ?? []) {
            seeds.add(user);
          }
        }
      }
      for (const run of runs) {
        if (this.seenRuns.get(run.id) === run.status) continue;
        const entityRef = context.refOfName.get(run.imageName);
        if (entityRef) seeds.add(entityRef);
      }
      const open = new Set(input.open);
      // Closed since the last pass by something else than a pass.
      for (const name of [...open, ...this.openAfter]) {
        const entityRef = context.refOfName.get(name);
        if (entityRef) seeds.add(entityRef);
      }
      for (const entityRef of this.retry) seeds.add(entityRef);
    }

    this.context = context;
    this.digests = signatures;
    this.seenRuns = seenRuns;
    this.lastPassAt = now;
    if (full) this.lastFullAt = now;
    this.retry = new Set();
    return { full, seeds, digests };
  }

  /** An image the pass could not plan: the next pass tries it again. */
  failed(entityRef: string): void {
    this.retry.add(entityRef);
  }

  /** The names of the images with an open plan once the pass ended. */
  ended(openPlans: Iterable<string>): void {
    this.openAfter = new Set(openPlans);
  }
}
