import type { WheelFileRecord } from '../store/WheelFileStore';
import { architectureOfDockerPlatform } from '../wheels/wheelPlatforms';
import type { ResolvedDistribution } from './resolveTarget';
import type { PlannedItem } from './planRounds';

/**
 * What to do with each distribution pip resolved for a target: nothing for
 * a wheel upstream already has for it, nothing for one the refinery built
 * before (same project, version and architecture) in this builder, else
 * build its sdist: a rebuilt builder builds the wheels again.
 */
export async function planTarget(
  platform: string,
  distributions: ResolvedDistribution[],
  filesOf: (project: string) => Promise<WheelFileRecord[]>,
  /** Image id of the target's builder; absent: any builder's file counts. */
  builderId?: string,
): Promise<PlannedItem[]> {
  const arch = architectureOfDockerPlatform(platform)?.arch;
  const items: PlannedItem[] = [];
  for (const d of distributions) {
    let action: PlannedItem['action'] = 'build';
    if (d.kind === 'wheel') action = 'upstream-wheel';
    else {
      const files = await filesOf(d.project);
      const built = files.some(
        f =>
          f.version === d.version &&
          !f.yanked &&
          (f.architecture === arch || f.architecture === undefined) &&
          // Files from before builders were kept count as built.
          (!builderId || !f.builderId || f.builderId === builderId),
      );
      if (built) action = 'built';
    }
    // Build requirements come from the builder (no build isolation), or
    // from this plan's earlier rounds (see orderBuilds).
    items.push({
      project: d.project,
      version: d.version,
      action,
      buildAfter: [],
    });
  }
  return items;
}
