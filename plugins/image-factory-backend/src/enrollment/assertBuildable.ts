import { InputError } from '@backstage/errors';
import {
  FieldIssue,
  ImageEntityV1alpha1,
  ImageEntry,
  imageEntryToEntity,
} from '@image-factory/plugin-image-factory-common';
import { SourceCheck } from './SourceChecker';

/** The checks a proposed image passes before any branch or pull request exists. */
export interface ProposalChecks {
  /** Reads the source as the factory will: repository, branch, Dockerfile, its bases. */
  checkSource?: (entry: ImageEntry) => Promise<SourceCheck>;
  /** Every platform some configured executor builds. */
  buildablePlatforms?: () => Promise<Set<string>>;
  /**
   * The dependency cycles the image as proposed would make (entity refs of
   * each cycle's members), given the bases its Dockerfile was read with.
   */
  findCycles?: (
    candidate: ImageEntityV1alpha1,
    bases?: string[],
  ) => Promise<string[][]>;
}

function platformIssues(
  entry: ImageEntry,
  buildable: Set<string>,
): FieldIssue[] {
  const built = [...buildable].sort();
  const configured =
    built.length > 0
      ? `the executors build ${built.join(', ')}`
      : 'no executor is configured';
  return entry.platforms.flatMap((platform, index) =>
    buildable.has(platform)
      ? []
      : [
          {
            path: `image.platforms[${index}]`,
            message: `no executor builds ${platform} yet (${configured}), so its builds would wait: confirm with acceptUnbuiltPlatforms: true to list it anyway`,
          },
        ],
  );
}

/**
 * Refuses, with a 400 naming each field, an image the factory could not
 * build as proposed: a source that is missing or unreadable, a Dockerfile
 * whose bases do not resolve, a platform no executor builds (unless the user
 * confirmed it), a dependency cycle. Images the factory does not build
 * (external ones, bases without a source) have nothing to check.
 */
export async function assertBuildable(
  entry: ImageEntry | undefined,
  options: {
    checks: ProposalChecks;
    /** images.yaml's path, for the candidate entity. */
    location: string;
    acceptUnbuiltPlatforms?: boolean;
    /** Which parts to check; a change checks only what it touches. */
    scope?: { source: boolean; platforms: boolean };
  },
): Promise<void> {
  if (!entry || entry.type === 'external' || !entry.source) return;
  const { checks } = options;
  const scope = options.scope ?? { source: true, platforms: true };
  const issues: FieldIssue[] = [];
  let bases: string[] | undefined;
  if (scope.source && checks.checkSource) {
    const result = await checks.checkSource(entry);
    issues.push(...result.issues);
    bases = result.bases;
  }
  if (
    scope.platforms &&
    checks.buildablePlatforms &&
    !options.acceptUnbuiltPlatforms
  ) {
    issues.push(...platformIssues(entry, await checks.buildablePlatforms()));
  }
  if (issues.length > 0) {
    throw new InputError(
      `The image cannot be built as proposed: ${issues
        .map(i => `${i.path}: ${i.message}`)
        .join('; ')}`,
    );
  }
  if (!scope.source || !checks.findCycles) return;
  const candidate = imageEntryToEntity(entry, {
    location: options.location,
    index: 0,
  });
  const cycles = await checks.findCycles(candidate, bases);
  if (cycles.length === 0) return;
  const described = cycles.map(members =>
    members.length === 1
      ? `${members[0]} would be built FROM the image it publishes`
      : `${members.join(', ')} would each be built FROM another's image`,
  );
  throw new InputError(
    `image: ${
      entry.name
    } would make a dependency cycle, which no build order can satisfy: ${described.join(
      '; ',
    )}. Change its Dockerfile's FROM or its reference.`,
  );
}
