import Dockerode from 'dockerode';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import { parseShortDuration } from '@image-factory/plugin-image-factory-common';
import type { WheelFileStore } from '../store/WheelFileStore';
import { planRounds, PlannedItem } from './planRounds';
import { downloadSdist } from '../build/downloadSdist';
import { cachedBuildRequirements, orderBuilds } from './orderBuilds';
import { planTarget } from './planTarget';
import { resolveTarget, ResolvedDistribution } from './resolveTarget';

/** The plan of one target of a set (a Python version on a platform). */
export interface TargetPlan {
  python: string;
  platform: string;
  /** The builder image that resolved it and builds for it. */
  builder?: string;
  /** Why the target could not be planned (a requirement that cannot be met, no builder). */
  error?: string;
  items: PlannedItem[];
  /** Builds in rounds: a round needs only what earlier rounds built. */
  rounds: string[][];
  /** What pip chose, with where to download each sdist and its hash. */
  distributions: ResolvedDistribution[];
}

/**
 * Plans a wheel set, target by target: pip's resolver runs in the target's
 * builder against the set's upstream; wheels upstream has and wheels the
 * refinery built before are skipped; the rest are ordered in rounds by
 * their sdists' build requirements.
 */
export async function planWheelSet(options: {
  docker: Dockerode;
  files: Pick<WheelFileStore, 'listFiles'>;
  set: WheelSet;
  /** The builder image of each platform. */
  builders: Record<string, string>;
  onLog?: (line: string) => void;
}): Promise<TargetPlan[]> {
  const { set } = options;
  const timeoutMs = parseShortDuration(set.timeout)!;
  const plans: TargetPlan[] = [];
  // The same sdist serves every target: read once.
  const buildRequirements = cachedBuildRequirements(downloadSdist);
  for (const target of set.targets) {
    for (const platform of target.platforms) {
      const plan: TargetPlan = {
        python: target.python,
        platform,
        items: [],
        rounds: [],
        distributions: [],
      };
      plans.push(plan);
      const builder = options.builders[platform];
      if (!builder) {
        plan.error = `No builder for ${platform}: the refinery has builders for ${
          Object.keys(options.builders).join(', ') || 'no platform'
        } (imageFactory.refinery.builders)`;
        options.onLog?.(plan.error);
        continue;
      }
      plan.builder = builder;
      const present = await options.docker
        .getImage(builder)
        .inspect()
        .then(() => true)
        .catch((e: { statusCode?: number }) => {
          // Only a missing image; an engine that cannot be reached fails the plan.
          if (e.statusCode === 404) return false;
          throw e;
        });
      if (!present) {
        plan.error = `The builder image ${builder} for ${platform} is not in the Docker engine (yet): make it as the README's wheel refinery section says (./scripts/start makes it in the background)`;
        options.onLog?.(plan.error);
        continue;
      }
      options.onLog?.(`Resolving ${target.python} ${platform} in ${builder}`);
      const resolved = await resolveTarget(options.docker, {
        builder,
        platform,
        requirements: set.requirements ?? [],
        upstream: set.upstream,
        timeoutMs,
        onLog: options.onLog,
      });
      if (!resolved.ok) {
        plan.error = resolved.error;
        options.onLog?.(
          `Cannot plan ${target.python} ${platform}: ${plan.error}`,
        );
        continue;
      }
      plan.distributions = resolved.distributions;
      plan.items = await planTarget(platform, resolved.distributions, p =>
        options.files.listFiles(p),
      );
      await orderBuilds(plan.items, resolved.distributions, {
        buildRequirements,
        onLog: options.onLog,
      });
      plan.rounds = planRounds(plan.items);
      options.onLog?.(
        `Plan for ${target.python} ${platform}: ${
          plan.items
            .map(i => `${i.project} ${i.version} (${i.action})`)
            .join(', ') || 'nothing'
        }`,
      );
    }
  }
  return plans;
}
