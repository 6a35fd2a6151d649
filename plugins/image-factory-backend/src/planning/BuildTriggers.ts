import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ImageEntityV1alpha1,
  parseRebuildSchedule,
} from '@image-factory/plugin-image-factory-common';
import { BuildStore, BuildTriggerStore } from '../database';
import { describeConfigChange, imageBuildConfig } from './imageBuildConfig';

/** The causes of builds that images.yaml starts. */
export type TriggerCause = 'enrollment' | 'config-change' | 'scheduled';

/** A build images.yaml asks for, to be planned in this pass. */
export interface DueTrigger {
  cause: TriggerCause;
  /** What changed, or the schedule. */
  detail: string;
  /** Records that it was acted on; called once the plan holding it is saved. */
  commit(): Promise<void>;
}

/** Options of {@link BuildTriggers}. */
export interface BuildTriggersOptions {
  store: Pick<BuildTriggerStore, 'listOf' | 'record'>;
  builds: Pick<BuildStore, 'latestOf'>;
  /** `imageFactory.rebuilds.automaticBuilds`: first sights and config changes build. */
  automaticBuilds: boolean;
  /** `imageFactory.rebuilds.defaultSchedule`; null: no scheduled builds by default. */
  defaultScheduleMs: number | null;
  /**
   * Whether the image's Dockerfile has been read for its bases. Until then a
   * first build waits: planned earlier, it could not wait for a base the
   * factory builds (right after startup, or right after an enrollment merged).
   */
  basesKnown?: (entityRef: string) => Promise<boolean>;
  logger: LoggerService;
}

const ACTIVE = new Set(['queued', 'running']);

/**
 * The planner's first step: which images images.yaml asks to build now. An
 * image with a source seen for the first time (and never built) gets an
 * `enrollment` build; a change of its source, build args or platforms a
 * `config-change` build; an image whose schedule is due (counted from its
 * latest run) a `scheduled` one. What was acted on is kept in the database,
 * so a restart, or another backend, does not ask again.
 */
export class BuildTriggers {
  /** When each image's schedule is due next, as of the last look at it. */
  private readonly scheduleDue = new Map<string, number>();

  constructor(private readonly options: BuildTriggersOptions) {}

  /**
   * The due builds of the buildable images, by entity ref. With `only`, of
   * those images and of the images whose schedule is due by `now` (as of
   * their last look): a pass that follows the change looks at nothing else,
   * since only a change of images.yaml (a full pass), a run ending or the
   * clock makes a build due.
   */
  async collect(
    images: Map<string, ImageEntityV1alpha1>,
    now: Date,
    only?: Set<string>,
  ): Promise<Map<string, DueTrigger>> {
    const { store, builds, logger } = this.options;
    let candidates = images;
    if (only) {
      candidates = new Map();
      for (const [entityRef, image] of images) {
        const dueAt = this.scheduleDue.get(entityRef);
        if (only.has(entityRef) || (dueAt !== undefined && dueAt <= +now)) {
          candidates.set(entityRef, image);
        }
      }
    } else {
      this.scheduleDue.clear();
    }
    const names = [...candidates.values()].map(i => i.metadata.name);
    const recorded = await store.listOf(names);
    const latestRuns = await builds.latestOf(names, 1);
    const due = new Map<string, DueTrigger>();
    for (const [entityRef, image] of candidates) {
      const name = image.metadata.name;
      const config = imageBuildConfig(image);
      const row = recorded.get(name);
      const [latest] = latestRuns.get(name) ?? [];
      this.scheduleDue.delete(entityRef);
      // A run in progress may use the old config: act once it has ended.
      if (latest && ACTIVE.has(latest.status)) continue;

      if (this.options.automaticBuilds && !row) {
        const record = () =>
          store.record(
            { imageName: name, config, firstSeenAt: now, updatedAt: now },
            { ifConfig: null },
          );
        if (latest) {
          // Known from before automatic builds: built already, nothing to do.
          await record();
          logger.debug('Image with runs recorded without a build', {
            image: name,
          });
          continue;
        }
        if (
          this.options.basesKnown &&
          !(await this.options.basesKnown(entityRef))
        ) {
          logger.debug('First build waits for the Dockerfile to be read', {
            image: name,
          });
          continue;
        }
        due.set(entityRef, {
          cause: 'enrollment',
          detail: 'first seen in images.yaml',
          commit: async () => {
            await record();
          },
        });
        continue;
      }
      if (this.options.automaticBuilds && row && row.config !== config) {
        due.set(entityRef, {
          cause: 'config-change',
          detail: describeConfigChange(row.config, config),
          commit: async () => {
            await store.record(
              { ...row, config, updatedAt: now },
              { ifConfig: row.config },
            );
          },
        });
        continue;
      }

      const schedule = image.spec.rebuild?.schedule;
      const intervalMs =
        schedule === undefined
          ? this.options.defaultScheduleMs
          : parseRebuildSchedule(schedule) ?? null;
      if (intervalMs === null) continue;
      const since = latest
        ? new Date(latest.createdAt).getTime()
        : row?.firstSeenAt.getTime();
      if (since !== undefined && now.getTime() < since + intervalMs) {
        this.scheduleDue.set(entityRef, since + intervalMs);
        continue;
      }
      due.set(entityRef, {
        cause: 'scheduled',
        detail: `schedule ${
          schedule ?? 'imageFactory.rebuilds.defaultSchedule'
        }`,
        commit: async () => {},
      });
    }
    return due;
  }
}
