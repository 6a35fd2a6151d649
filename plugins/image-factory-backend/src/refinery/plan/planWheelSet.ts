import Dockerode from 'dockerode';
import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import { parseShortDuration } from '@image-factory/plugin-image-factory-common';
import type { WheelFileStore } from '../store/WheelFileStore';
import { planRounds, PlannedItem } from './planRounds';
import { downloadSdist } from '../build/downloadSdist';
import { cachedBuildRequirements, orderBuilds } from './orderBuilds';
import { planTarget } from './planTarget';
import { BuilderImages, configuredBuilders } from '../builders/BuilderImages';
import { ResolutionCache } from './ResolutionCache';
import { resolveTarget, ResolvedDistribution } from './resolveTarget';

/** The plan of one target of a set (a Python version on a platform). */
export interface TargetPlan {
  python: string;
  platform: string;
  /** The builder image that resolved it and builds for it. */
  builder?: string;
  /** The Image entity of the builder, when the factory builds it. */
  builderImage?: string;
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
  /** The builder image of each platform (\`imageFactory.refinery.builders\`). */
  builders: Record<string, string>;
  /** Chooses each target's builder; absent: the configured ones. */
  builderImages?: BuilderImages;
  signal?: AbortSignal;
  /** Reuses a resolution whose inputs did not change; absent: always resolve. */
  resolutions?: ResolutionCache;
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
      const choice = await (
        options.builderImages ?? configuredBuilders(options.builders)
      ).choose(set, platform, options.signal);
      if (!choice.ok) {
        plan.error = choice.error;
        options.onLog?.(plan.error);
        continue;
      }
      const builder = choice.image;
      plan.builder = builder;
      if (choice.imageEntityRef) plan.builderImage = choice.imageEntityRef;
      options.onLog?.(
        `Builder of ${target.python} ${platform}: ${builder}, ${choice.description}`,
      );
      const builderId = await options.docker
        .getImage(builder)
        .inspect()
        .then(image => image.Id)
        .catch((e: { statusCode?: number }) => {
          // Only a missing image; an engine that cannot be reached fails the plan.
          if (e.statusCode === 404) return undefined;
          throw e;
        });
      if (!builderId) {
        plan.error = `The builder image ${builder} for ${platform} is not in the Docker engine (yet): make it as the README's wheel refinery section says (./scripts/start makes it in the background)`;
        options.onLog?.(plan.error);
        continue;
      }
      // A requirements file's contents are not part of the key: resolve.
      const resolutions = set.requirementsFile
        ? undefined
        : options.resolutions;
      const inputs = {
        requirements: set.requirements ?? [],
        upstream: set.upstream,
        python: target.python,
        platform,
        builderId,
      };
      let distributions = await resolutions?.get(inputs);
      if (distributions) {
        options.onLog?.(
          `Resolution of ${target.python} ${platform} reused: the requirements, the builder and the upstream pages of ${distributions.length} projects are unchanged`,
        );
      } else {
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
        distributions = resolved.distributions;
        await resolutions?.put(inputs, distributions, new Date());
      }
      plan.distributions = distributions;
      plan.items = await planTarget(
        platform,
        distributions,
        p => options.files.listFiles(p),
        builderId,
      );
      await orderBuilds(plan.items, distributions, {
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
