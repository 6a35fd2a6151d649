import { InputError } from '@backstage/errors';
import {
  ImageStageCheck,
  parseShortDuration,
  tryParseImageRef,
} from '@image-factory/plugin-image-factory-common';

/** A check's timeout when it names none. */
export const DEFAULT_CHECK_TIMEOUT = '10m';

/** The version under test: its reference by digest and its platforms. */
export interface VersionUnderTest {
  /** `registry/repository@sha256:…`. */
  reference: string;
  /** The platforms it was built for, `os/arch[/variant]`. */
  platforms: string[];
}

/** One check on one platform, as it will run. */
export interface CheckRun {
  check: ImageStageCheck;
  platform: string;
  /** The image to pull: the version's reference for `self`. */
  image: string;
  timeoutMs: number;
  /** Why it cannot run, found before any run (a platform the version lacks). */
  problem?: string;
}

/**
 * Expands checks into one run per check and platform, in order. Throws
 * {@link InputError} naming the field (`checks[1].timeout`) for input that
 * images.yaml's schema should have refused, before anything runs.
 */
export function planCheckRuns(
  checks: ImageStageCheck[],
  version: VersionUnderTest,
): CheckRun[] {
  const ref = tryParseImageRef(version.reference);
  if (!ref.ok || !ref.ref.digest) {
    throw new InputError(
      `version.reference: must be registry/repository@sha256:…, got '${version.reference}'`,
    );
  }
  if (version.platforms.length === 0) {
    throw new InputError('version.platforms: must name at least one platform');
  }
  return checks.flatMap((check, i) => {
    const field = `checks[${i}]`;
    if (!check.name?.trim()) {
      throw new InputError(`${field}.name: must not be empty`);
    }
    const timeout = check.timeout ?? DEFAULT_CHECK_TIMEOUT;
    const timeoutMs = parseShortDuration(timeout);
    if (!timeoutMs) {
      throw new InputError(
        `${field}.timeout: must be a duration such as 5m or 1h30m, got '${timeout}'`,
      );
    }
    const self = (check.image ?? 'self') === 'self';
    if (!self && !tryParseImageRef(check.image!).ok) {
      throw new InputError(
        `${field}.image: must be 'self' or an image reference, got '${check.image}'`,
      );
    }
    if (check.platforms?.length === 0) {
      throw new InputError(
        `${field}.platforms: must name at least one platform when given`,
      );
    }
    const platforms = check.platforms ?? version.platforms;
    return platforms.map(platform => ({
      check,
      platform,
      image: self ? version.reference : check.image!,
      timeoutMs,
      ...(self && !version.platforms.includes(platform)
        ? {
            problem: `${platform} is not a platform of the version (${version.platforms.join(
              ', ',
            )})`,
          }
        : {}),
    }));
  });
}
