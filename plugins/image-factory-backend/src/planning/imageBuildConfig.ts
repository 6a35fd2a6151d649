import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';

/** What of an images.yaml entry its builds are made from. */
interface BuildConfig {
  source: Record<string, string>;
  buildArgs: Record<string, string>;
  platforms: string[];
}

const sorted = (record: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * The image's source (repository, branch, Dockerfile, context), build args
 * and platforms as canonical JSON: equal text, equal builds.
 */
export function imageBuildConfig(image: ImageEntityV1alpha1): string {
  const config: BuildConfig = {
    source: sorted(image.spec.source),
    buildArgs: sorted(image.spec.buildArgs),
    platforms: [...image.spec.platforms].sort(),
  };
  return JSON.stringify(config);
}

/**
 * What changed between two configs, for the run's cause detail:
 * `source.branch: main → next; buildArgs.VERSION changed`. Build arg values
 * are not shown: they may be meant for the build only.
 */
export function describeConfigChange(before: string, after: string): string {
  const was = JSON.parse(before) as BuildConfig;
  const is = JSON.parse(after) as BuildConfig;
  const changes: string[] = [];
  for (const key of new Set([
    ...Object.keys(was.source),
    ...Object.keys(is.source),
  ])) {
    if (was.source[key] !== is.source[key]) {
      changes.push(
        `source.${key}: ${was.source[key] ?? '(none)'} → ${
          is.source[key] ?? '(none)'
        }`,
      );
    }
  }
  for (const key of new Set([
    ...Object.keys(was.buildArgs),
    ...Object.keys(is.buildArgs),
  ])) {
    if (!(key in was.buildArgs)) changes.push(`buildArgs.${key} added`);
    else if (!(key in is.buildArgs)) changes.push(`buildArgs.${key} removed`);
    else if (was.buildArgs[key] !== is.buildArgs[key]) {
      changes.push(`buildArgs.${key} changed`);
    }
  }
  if (was.platforms.join(',') !== is.platforms.join(',')) {
    changes.push(
      `platforms: ${was.platforms.join(', ')} → ${is.platforms.join(', ')}`,
    );
  }
  return changes.length > 0 ? changes.join('; ') : 'images.yaml changed';
}
