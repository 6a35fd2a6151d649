import { z } from 'zod/v4';
import { parseShortDuration, SHORT_DURATION } from './duration';

// Field rules shared by images.yaml and wheels.yaml (not exported from the package).

/** Image and wheel set names become catalog entity names, so they follow the same rules. */
export const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const GITHUB_REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
export const BRANCH = /^(?!\/|.*\/\/|.*\/$|.*\.\.|.*@\{)[^\s~^:?*[\\]+$/;
export const OWNER =
  /^(?:(?:user|group):)?(?:[a-z0-9_.-]+\/)?[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A path inside the source repository: relative, with forward slashes, and never
 * leaving the repository through `..`.
 */
export function repoRelativePath() {
  return z.string().refine(
    p => {
      if (p.length === 0 || p.startsWith('/') || p.includes('\\')) return false;
      if (/^[A-Za-z]:/.test(p) || p.includes('\0')) return false;
      let depth = 0;
      for (const part of p.split('/')) {
        if (part === '..') depth -= 1;
        else if (part !== '.' && part !== '') depth += 1;
        if (depth < 0) return false;
      }
      return true;
    },
    { message: 'must be a relative path inside the repository' },
  );
}

export const duration = z
  .string()
  .regex(
    SHORT_DURATION,
    "must be a duration such as '30m', '6h', '2d' or '1h30m'",
  )
  .refine(d => !SHORT_DURATION.test(d) || parseShortDuration(d) !== undefined, {
    message: 'is too long to count in milliseconds',
  });
