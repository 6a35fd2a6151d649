import type { ImageFactoryStatus } from '@image-factory/plugin-image-factory-common';

/** A factory whose images.yaml has two problems and three providers. */
export const statusWithIssues: ImageFactoryStatus = {
  imagesFile: {
    location: '/srv/factory/images.yaml',
    lastReadAt: '2025-01-02T03:04:05.000Z',
    ok: false,
    imageCount: 3,
    issues: [
      {
        entry: 'hello-web',
        path: 'images[2].source.dockerfile',
        message: 'must be a relative path inside the repository',
        line: 31,
      },
      {
        path: 'extra',
        message: 'is not a known field',
      },
    ],
  },
  providers: [
    {
      id: 'local-docker',
      type: 'executor',
      implementation: 'docker',
      endpoint: 'unix:///var/run/docker.sock',
      entityRef: 'provider:default/executor-local-docker',
      platforms: ['linux/amd64', 'linux/s390x'],
    },
    {
      id: 'local',
      type: 'registry',
      implementation: 'oci',
      endpoint: 'localhost:5000',
      entityRef: 'provider:default/registry-local',
    },
  ],
};

/** A factory whose images.yaml failed to parse; the last good entries stay. */
export const statusWithFileError: ImageFactoryStatus = {
  imagesFile: {
    location: 'https://github.com/acme/factory-config/blob/main/images.yaml',
    lastReadAt: '2025-01-02T03:04:05.000Z',
    ok: false,
    imageCount: 4,
    issues: [
      {
        path: '(file)',
        message:
          'invalid YAML: Implicit map keys need to be followed by map values',
        line: 7,
      },
    ],
    error: 'images.yaml is not valid YAML',
  },
  providers: [],
};

/** A healthy factory with nothing configured yet. */
export const emptyStatus: ImageFactoryStatus = {
  imagesFile: {
    location: 'images.yaml',
    lastReadAt: '2025-01-02T03:04:05.000Z',
    ok: true,
    imageCount: 0,
    issues: [],
  },
  providers: [],
};

/** A factory that watches two base images: one seen, one failing. */
export const statusWithTracking: ImageFactoryStatus = {
  ...emptyStatus,
  tracking: {
    intervalMs: 24 * 60 * 60 * 1000,
    references: [
      {
        reference: 'localhost:5000/base/busybox:stable',
        usedBy: ['image:default/busybox-base'],
        digest: `sha256:${'a'.repeat(64)}`,
        firstSeenAt: '2026-11-20T10:00:00.000Z',
        platforms: [
          { platform: 'linux/amd64', digest: `sha256:${'b'.repeat(64)}` },
          { platform: 'linux/s390x', digest: `sha256:${'c'.repeat(64)}` },
        ],
        lastCheckedAt: '2026-11-23T10:00:00.000Z',
        nextCheckAt: '2026-11-24T10:00:00.000Z',
      },
      {
        reference: 'docker.io/library/debian:bookworm-slim',
        usedBy: ['image:default/debian-bookworm'],
        lastCheckedAt: '2026-11-23T10:00:00.000Z',
        nextCheckAt: '2026-11-23T10:15:00.000Z',
        lastError:
          'RegistryUnavailableError: registry-1.docker.io is unreachable',
      },
    ],
  },
};

/**
 * A factory that has watched alpine (the `watchedBaseImage` fixture) for a
 * month through three digests, a discovered node base seen once, and a
 * busybox base not checked yet.
 */
export const statusWithDigestHistory: ImageFactoryStatus = {
  ...emptyStatus,
  tracking: {
    intervalMs: 24 * 60 * 60 * 1000,
    references: [
      {
        reference: 'docker.io/library/alpine:latest',
        usedBy: [
          'image:default/alpine-base',
          'image:default/hello-web',
          'image:default/hello-api',
        ],
        digest: `sha256:${'a'.repeat(64)}`,
        firstSeenAt: '2026-11-20T10:00:00.000Z',
        watchedSince: '2026-10-01T08:00:00.000Z',
        platforms: [
          { platform: 'linux/amd64', digest: `sha256:${'1'.repeat(64)}` },
          { platform: 'linux/s390x', digest: `sha256:${'2'.repeat(64)}` },
        ],
        history: [
          {
            digest: `sha256:${'a'.repeat(64)}`,
            firstSeenAt: '2026-11-20T10:00:00.000Z',
            lastSeenAt: '2026-11-23T10:00:00.000Z',
          },
          {
            digest: `sha256:${'b'.repeat(64)}`,
            firstSeenAt: '2026-11-02T09:00:00.000Z',
            lastSeenAt: '2026-11-19T10:00:00.000Z',
          },
          {
            digest: `sha256:${'c'.repeat(64)}`,
            firstSeenAt: '2026-10-01T08:00:00.000Z',
            lastSeenAt: '2026-11-01T10:00:00.000Z',
          },
        ],
        lastCheckedAt: '2026-11-23T10:00:00.000Z',
        nextCheckAt: '2026-11-24T10:00:00.000Z',
      },
      {
        // Found only in a Dockerfile: its own entity is not among the users.
        reference: 'docker.io/library/node:22',
        usedBy: ['image:default/hello-web'],
        digest: `sha256:${'d'.repeat(64)}`,
        firstSeenAt: '2026-11-22T10:00:00.000Z',
        watchedSince: '2026-11-22T10:00:00.000Z',
        history: [
          {
            digest: `sha256:${'d'.repeat(64)}`,
            firstSeenAt: '2026-11-22T10:00:00.000Z',
            lastSeenAt: '2026-11-23T10:00:00.000Z',
          },
        ],
        lastCheckedAt: '2026-11-23T10:00:00.000Z',
        nextCheckAt: '2026-11-24T10:00:00.000Z',
      },
      {
        reference: 'localhost:5000/base/busybox:stable',
        usedBy: ['image:default/busybox-base'],
        nextCheckAt: '2026-11-23T10:15:00.000Z',
      },
    ],
  },
};
