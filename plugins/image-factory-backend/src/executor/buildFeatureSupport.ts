import {
  BUILD_FEATURES,
  BuildFeatureUse,
  requiredBuildFeatures,
} from '../analysis';
import {
  BuildCapabilities,
  compareFrontendVersions,
} from './engineCapabilities';
import { BuildFailedError } from './errors';

/** A Dockerfile line that asks for more than a builder reads. */
export interface UnsupportedBuildFeature extends BuildFeatureUse {
  /** What it needs, for people: `Dockerfile frontend 1.4`, `BuildKit`. */
  needs: string;
}

/**
 * The lines of a Dockerfile that the builder cannot build. With a `# syntax=`
 * directive BuildKit builds with that frontend image instead of its built-in
 * one, so only the directive itself is judged (the classic builder ignores it).
 */
export function unsupportedBuildFeatures(
  dockerfileText: string,
  capabilities: BuildCapabilities,
): UnsupportedBuildFeature[] {
  const uses = requiredBuildFeatures(dockerfileText);
  const buildkit = capabilities.builder === 'buildkit';
  if (buildkit && uses.some(u => u.feature === 'syntax-directive')) return [];
  const unsupported: UnsupportedBuildFeature[] = [];
  for (const use of uses) {
    if (use.feature === 'syntax-directive') continue;
    const feature = BUILD_FEATURES[use.feature];
    if (!buildkit) {
      // The executor sets the platform arguments for the classic builder.
      if (!feature.classic && use.feature !== 'platform-args') {
        unsupported.push({ ...use, needs: 'BuildKit' });
      }
    } else if (feature.labs) {
      unsupported.push({
        ...use,
        needs: `the labs Dockerfile frontend (# syntax=docker/dockerfile:${feature.minDockerfileFrontend}-labs)`,
      });
    } else if (
      compareFrontendVersions(
        feature.minDockerfileFrontend,
        capabilities.dockerfileFrontend ?? '0',
      ) > 0
    ) {
      unsupported.push({
        ...use,
        needs: `Dockerfile frontend ${feature.minDockerfileFrontend}`,
      });
    }
  }
  return unsupported;
}

/** One sentence per unsupported line: `line 3 uses heredoc (RUN <<EOF), which needs …`. */
export function describeUnsupported(
  unsupported: UnsupportedBuildFeature[],
  builder: string,
): string {
  return unsupported
    .map(
      u =>
        `line ${u.line} uses ${BUILD_FEATURES[u.feature].title}, which needs ${
          u.needs
        }; ${builder} does not have it`,
    )
    .join('. ');
}

/** The error a build fails with, before it starts, when its Dockerfile needs more than the builder reads. */
export function unsupportedFeaturesError(
  unsupported: UnsupportedBuildFeature[],
  builder: string,
): BuildFailedError {
  const first = unsupported[0];
  return new BuildFailedError(
    `${describeUnsupported(
      unsupported,
      builder,
    )}. Build it on an executor with a newer Docker engine, or write the line without it.`,
    { line: first.line, instruction: first.text },
  );
}

/**
 * The `# syntax=` directive of a Dockerfile, when it has one: BuildKit then
 * builds with that frontend image, which the engine pulls.
 */
export function syntaxDirective(
  dockerfileText: string,
): { line: number; text: string } | undefined {
  const use = requiredBuildFeatures(dockerfileText).find(
    u => u.feature === 'syntax-directive',
  );
  return use ? { line: use.line, text: use.text } : undefined;
}
