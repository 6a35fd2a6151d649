import { parseEntityRef } from '@backstage/catalog-model';
import type { WatchedImageStatus } from '@image-factory/plugin-image-factory-common';

/** What a failed digest check means for the user, in their words. */
export interface TrackingProblemExplanation {
  /** `expected`: nothing to fix (offline, not built yet, slowed down); `error`: someone must act. */
  tone: 'expected' | 'error';
  summary: string;
  /** The backend's own words (`ErrorName: message`). */
  detail: string;
}

const hostOf = (reference: string) => reference.split('/')[0];

/**
 * Turns the last error of a watched reference into an explanation. A registry
 * the backend cannot reach (no internet here), a base the factory has not
 * built yet, or a rate limit are expected states, not failures.
 */
export function explainTrackingError(
  row: Pick<WatchedImageStatus, 'reference' | 'lastError' | 'builtBy'>,
): TrackingProblemExplanation | undefined {
  const detail = row.lastError;
  if (!detail) return undefined;
  const name = detail.split(':')[0];
  const host = hostOf(row.reference);
  switch (name) {
    case 'RegistryUnavailableError':
      return {
        tone: 'expected',
        summary: `${host} cannot be reached from the backend (no network, or a proxy or firewall in the way). It is checked again at the next check; images built FROM it are not rebuilt until it answers.`,
        detail,
      };
    case 'ManifestNotFoundError':
      return row.builtBy
        ? {
            tone: 'expected',
            summary: `Not pushed yet: the factory builds it as ${
              parseEntityRef(row.builtBy).name
            }, and it appears after that image's first successful build.`,
            detail,
          }
        : {
            tone: 'error',
            summary: `${host} has no such repository or tag: check the reference.`,
            detail,
          };
    case 'RegistryRateLimitError':
      return {
        tone: 'expected',
        summary: `${host} asked the factory to slow down; it is checked again when its limit resets.`,
        detail,
      };
    case 'RegistryAuthError':
      return {
        tone: 'error',
        summary: `${host} refused the factory's credentials: check imageFactory.tracking.credentials for it.`,
        detail,
      };
    default:
      return { tone: 'error', summary: detail, detail };
  }
}
