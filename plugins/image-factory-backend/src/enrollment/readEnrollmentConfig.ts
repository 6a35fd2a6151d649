import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { durationToMilliseconds } from '@backstage/types';

/** Where pull requests go: `images.yaml` on a branch of a GitHub repository. */
export interface EnrollmentTarget {
  /** The URL as configured, e.g. `https://github.com/acme/cfg/blob/main/images.yaml`. */
  url: string;
  /** Host with port, e.g. `github.com` or `127.0.0.1:7010`. */
  host: string;
  owner: string;
  repo: string;
  /** The base branch pull requests are opened against. */
  branch: string;
  /** Path of images.yaml in the repository. */
  path: string;
  /**
   * Path of the refinery's wheels.yaml, when `imageFactory.refinery.wheels.location`
   * is a file of the same repository and branch: wheel sets are then
   * enrolled by pull request too.
   */
  wheelsPath?: string;
  /** The REST API root of the host, from `integrations.github`. */
  apiBaseUrl: string;
}

/** The `imageFactory.enrollment` config, read once at startup. */
export interface EnrollmentConfig {
  target: EnrollmentTarget;
  labels: string[];
  reviewers: string[];
  allowAnyOwner: boolean;
  webhookSecret?: string;
  pollSchedule: SchedulerServiceTaskScheduleDefinition;
  maxRetries: number;
  maxRetryAfterMs: number;
}

const DEFAULT_POLL_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 2 },
};

/** Splits `https://host/owner/repo/blob/branch/path…`; undefined if it is not one. */
export function parseGitHubFileUrl(url: string) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return undefined;
  }
  const parts = parsed.pathname
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  if (parts.length < 5 || parts[2] !== 'blob') return undefined;
  const [owner, repo, , branch, ...path] = parts;
  return { host: parsed.host, owner, repo, branch, path: path.join('/') };
}

/** Where wheels.yaml is in the config repository, if it is there. */
function wheelsPathOf(
  config: Config,
  target: NonNullable<ReturnType<typeof parseGitHubFileUrl>>,
) {
  const location = config.getOptionalString(
    'imageFactory.refinery.wheels.location',
  );
  const wheels = location ? parseGitHubFileUrl(location) : undefined;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (
    !wheels ||
    !same(wheels.host, target.host) ||
    !same(wheels.owner, target.owner) ||
    !same(wheels.repo, target.repo) ||
    wheels.branch !== target.branch
  ) {
    return {};
  }
  return { wheelsPath: wheels.path };
}

/**
 * Reads `imageFactory.enrollment`. Returns undefined when enrollment is not
 * configured (no target and `images.location` is not a GitHub URL); throws,
 * naming the key, when it is configured wrongly.
 */
export function readEnrollmentConfig(
  config: Config,
): EnrollmentConfig | undefined {
  const enrollment = config.getOptionalConfig('imageFactory.enrollment');
  const explicit = enrollment?.getOptionalString('target');
  const url =
    explicit ?? config.getOptionalString('imageFactory.images.location');
  const key = explicit
    ? 'imageFactory.enrollment.target'
    : 'imageFactory.images.location';
  const file = url ? parseGitHubFileUrl(url) : undefined;
  if (!url || !file) {
    if (explicit) {
      throw new InputError(
        `${key}: must be the URL of images.yaml in a GitHub repository, like https://github.com/<owner>/<repo>/blob/<branch>/images.yaml`,
      );
    }
    return undefined;
  }
  const integration = ScmIntegrations.fromConfig(config).github.byHost(
    file.host,
  );
  if (!integration) {
    if (!explicit) return undefined;
    throw new InputError(
      `${key}: no integrations.github entry for host ${file.host}; add one with a token or a GitHub App`,
    );
  }
  const apiBaseUrl = integration.config.apiBaseUrl;
  if (!apiBaseUrl) {
    throw new InputError(
      `integrations.github (host ${file.host}): apiBaseUrl is required for enrollment`,
    );
  }

  const maxRetries = enrollment?.getOptionalNumber('maxRetries') ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
    throw new InputError(
      'imageFactory.enrollment.maxRetries: must be a whole number from 0 to 10',
    );
  }
  return {
    target: { url, ...file, apiBaseUrl, ...wheelsPathOf(config, file) },
    labels: enrollment?.getOptionalStringArray('labels') ?? ['image-factory'],
    reviewers: enrollment?.getOptionalStringArray('reviewers') ?? [],
    allowAnyOwner: enrollment?.getOptionalBoolean('allowAnyOwner') ?? false,
    webhookSecret: enrollment?.getOptionalString('webhookSecret'),
    pollSchedule: enrollment?.has('pollSchedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          enrollment.getConfig('pollSchedule'),
        )
      : DEFAULT_POLL_SCHEDULE,
    maxRetries,
    maxRetryAfterMs: enrollment?.has('maxRetryAfter')
      ? durationToMilliseconds(
          readDurationFromConfig(enrollment, { key: 'maxRetryAfter' }),
        )
      : 10_000,
  };
}
