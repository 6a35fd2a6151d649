import type {
  BuildLogLine,
  BuildPlatformResult,
  BuildRun,
} from '@image-factory/plugin-image-factory-common';

const digest = (hex: string) => `sha256:${hex.repeat(64 / hex.length)}`;

/** Digests that are easy to recognise, shortened or not. */
export const DIGESTS = {
  index: digest('1a2b3c4d'),
  amd64: digest('aaaa1111'),
  arm64: digest('bbbb2222'),
  base: digest('cccc3333'),
  dockerfile: digest('dddd4444'),
};

/** A platform of a run that succeeded on a native amd64 executor. */
export function platformFixture(
  fields: Partial<BuildPlatformResult> & Pick<BuildPlatformResult, 'platform'>,
): BuildPlatformResult {
  return { status: 'succeeded', executor: 'local-docker', ...fields };
}

/**
 * A run of hello-web as the backend returns it; by default a manual run that
 * succeeded on amd64 (native) and arm64 (QEMU) and pushed an index.
 */
export function buildRunFixture(
  fields: Partial<BuildRun> = {},
  n = 1,
): BuildRun {
  return {
    id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    imageName: 'hello-web',
    entityRef: 'image:default/hello-web',
    cause: 'manual',
    requestedBy: 'user:default/jane',
    status: 'succeeded',
    inputs: {
      sourceRevision: '0123456789abcdef0123456789abcdef01234567',
      dockerfileDigest: DIGESTS.dockerfile,
      baseDigests: { 'docker.io/library/nginx:1.27-alpine': DIGESTS.base },
      buildArgs: { NGINX_PORT: '8080' },
      platforms: ['linux/amd64', 'linux/arm64'],
    },
    reference: 'localhost:5000/apps/hello-web:latest',
    indexDigest: DIGESTS.index,
    platforms: [
      platformFixture({
        platform: 'linux/amd64',
        digest: DIGESTS.amd64,
        emulated: false,
        buildDurationMs: 12_300,
        pushDurationMs: 1_500,
      }),
      platformFixture({
        platform: 'linux/arm64',
        digest: DIGESTS.arm64,
        emulated: true,
        buildDurationMs: 95_000,
        pushDurationMs: 2_000,
      }),
    ],
    attempts: 1,
    createdAt: '2026-11-22T10:00:00.000Z',
    startedAt: '2026-11-22T10:00:01.000Z',
    finishedAt: '2026-11-22T10:01:40.000Z',
    durationMs: 99_000,
    ...fields,
  };
}

/** A run that has only been queued: nothing built yet. */
export function queuedRunFixture(
  fields: Partial<BuildRun> = {},
  n = 9,
): BuildRun {
  return buildRunFixture(
    {
      status: 'queued',
      reference: undefined,
      indexDigest: undefined,
      startedAt: undefined,
      finishedAt: undefined,
      durationMs: undefined,
      platforms: [
        { platform: 'linux/amd64', status: 'queued' },
        { platform: 'linux/arm64', status: 'queued' },
      ],
      ...fields,
    },
    n,
  );
}

/** A log line of a run. */
export function logLine(
  seq: number,
  text: string,
  fields: Partial<BuildLogLine> = {},
): BuildLogLine {
  return {
    seq,
    text,
    stream: fields.platform ? 'build' : 'system',
    time: `2026-11-22T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    ...fields,
  };
}
