import type { PlannedItem } from './planRounds';
import type { ResolvedDistribution } from './resolveTarget';
import { readBuildRequirements } from './readBuildRequirements';

/** Reads an sdist's build requirements once per file, across the targets of a plan. */
export type BuildRequirementsReader = (
  d: ResolvedDistribution,
) => Promise<string[]>;

export function cachedBuildRequirements(
  download: (d: ResolvedDistribution) => Promise<{
    filename: string;
    bytes: Buffer;
  }>,
): BuildRequirementsReader {
  const cache = new Map<string, Promise<string[]>>();
  return d => {
    let found = cache.get(d.url);
    if (!found) {
      found = download(d).then(readBuildRequirements);
      cache.set(d.url, found);
    }
    return found;
  };
}

/**
 * Fills each build's `buildAfter` with what its sdist needs to be built
 * (PEP 518 build requirements, such as Cython or cffi) among the projects
 * the refinery builds for this plan or built before: those of this plan go
 * in an earlier round, and their wheels are installed in its builder first.
 * An sdist that cannot be read keeps no order (its build says why); what
 * the builder provides (setuptools, wheel) or upstream has as a wheel is
 * not ordered: the builder must have it (or a hint installs it).
 */
export async function orderBuilds(
  items: PlannedItem[],
  distributions: ResolvedDistribution[],
  options: {
    buildRequirements: BuildRequirementsReader;
    onLog?: (line: string) => void;
  },
): Promise<void> {
  // Built in an earlier round, or by an earlier run: its wheel is there.
  const refined = new Set(
    items
      .filter(i => i.action === 'build' || i.action === 'built')
      .map(i => i.project),
  );
  for (const item of items) {
    if (item.action !== 'build') continue;
    const d = distributions.find(x => x.project === item.project);
    if (!d) continue;
    let requires: string[];
    try {
      requires = await options.buildRequirements(d);
    } catch (e) {
      options.onLog?.(
        `Build requirements of ${item.project} ${item.version} not read: ${
          (e as Error).message
        }`,
      );
      continue;
    }
    item.buildAfter = requires.filter(
      r => r !== item.project && refined.has(r),
    );
    if (requires.length > 0) {
      options.onLog?.(
        `${item.project} ${item.version} is built with ${requires.join(', ')}${
          item.buildAfter.length
            ? `: the refinery's ${item.buildAfter.join(', ')} first`
            : ''
        }`,
      );
    }
  }
}
