import type {
  ImageVersion,
  ImageVersionComparison,
  ImageVersionPlatform,
  ImageVersionSource,
} from '@image-factory/plugin-image-factory-common';

const digest = (hex: string) => `sha256:${hex.repeat(64 / hex.length)}`;

/** Digests that are easy to recognise, shortened or not. */
export const VERSION_DIGESTS = {
  v130: digest('13013013'),
  v120: digest('12012012'),
  v110: digest('11011011'),
  machine: digest('ee0ee0ee'),
  amd64v130: digest('a130a130'),
  arm64v130: digest('b130b130'),
  amd64v120: digest('a120a120'),
  attestation: digest('a77e57a7'),
  signature: digest('5195195a'),
  busyboxOlder: digest('0a0a0a0a'),
  busyboxOld: digest('0b0b0b0b'),
  busyboxNew: digest('0c0c0c0c'),
};

const REPO = 'localhost:5000/apps/hello-web';

/** A platform of a version: linux/amd64 by default. */
export function versionPlatform(
  fields: Partial<ImageVersionPlatform> = {},
): ImageVersionPlatform {
  return {
    platform: 'linux/amd64',
    digest: VERSION_DIGESTS.amd64v130,
    architecture: 'amd64',
    os: 'linux',
    size: 3_400_000,
    layers: 3,
    createdAt: '2026-12-01T10:00:00.000Z',
    ...fields,
  };
}

/** A version of hello-web as the backend returns it; by default 1.3.0 (amd64 and arm64). */
export function versionFixture(
  fields: Partial<ImageVersion> = {},
): ImageVersion {
  const d = fields.digest ?? VERSION_DIGESTS.v130;
  const tags = fields.tags ?? ['1.3.0'];
  return {
    digest: d,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    tags,
    createdAt: '2026-12-01T10:00:00.000Z',
    size: 6_900_000,
    platforms: [
      versionPlatform(),
      versionPlatform({
        platform: 'linux/arm64',
        digest: VERSION_DIGESTS.arm64v130,
        architecture: 'arm64',
        size: 3_500_000,
      }),
    ],
    attachments: [],
    pull: {
      byDigest: `${REPO}@${d}`,
      ...(tags[0] && { byTag: `${REPO}:${tags[0]}` }),
    },
    ...fields,
  };
}

/** Four versions of hello-web, newest first: built ones with lineage, a plain one, a machine-tagged one. */
export function helloWebVersions(): ImageVersion[] {
  return [
    versionFixture({
      tags: ['1.3.0', 'latest', 'latest-20261201T100000.000Z'],
      attachments: [
        {
          kind: 'attestation',
          digest: VERSION_DIGESTS.attestation,
          source: 'index',
          describes: VERSION_DIGESTS.amd64v130,
        },
        {
          kind: 'signature',
          digest: VERSION_DIGESTS.signature,
          source: 'cosign-tag',
          tag: `sha256-${'1301'.repeat(16)}.sig`,
        },
      ],
      build: {
        runId: '00000000-0000-4000-9000-000000000007',
        cause: 'base-change',
        causeDetail: 'busybox-base has a new digest',
        sourceRevision: '0123456789abcdef0123456789abcdef01234567',
        buildArgs: { NGINX_PORT: '8080' },
        finishedAt: '2026-12-01T10:02:00.000Z',
      },
      lineage: [
        {
          reference: 'localhost:5000/base/busybox:stable',
          digest: VERSION_DIGESTS.busyboxOld,
          entityRef: 'image:default/busybox-base',
          imageName: 'busybox-base',
          newestDigest: VERSION_DIGESTS.busyboxNew,
          versionsBehind: 3,
        },
      ],
      webUrl: 'https://registry.example.com/apps/hello-web',
    }),
    versionFixture({
      digest: VERSION_DIGESTS.v120,
      tags: ['1.2.0', 'latest-20261120T100000.000Z'],
      createdAt: '2026-11-20T10:00:00.000Z',
      size: 3_300_000,
      platforms: [
        versionPlatform({
          digest: VERSION_DIGESTS.amd64v120,
          size: 3_300_000,
          createdAt: '2026-11-20T10:00:00.000Z',
        }),
      ],
      build: {
        runId: '00000000-0000-4000-9000-000000000005',
        cause: 'manual',
        sourceRevision: 'fedcba9876543210fedcba9876543210fedcba98',
      },
      lineage: [
        {
          reference: 'localhost:5000/base/busybox:stable',
          digest: VERSION_DIGESTS.busyboxOlder,
          imageName: 'busybox-base',
          versionsBehind: 4,
        },
      ],
    }),
    versionFixture({
      digest: VERSION_DIGESTS.v110,
      tags: ['1.1.0'],
      createdAt: '2026-10-01T10:00:00.000Z',
      platforms: [versionPlatform({ size: 3_100_000 })],
      size: 3_100_000,
    }),
    versionFixture({
      digest: VERSION_DIGESTS.machine,
      tags: ['sha-1a2b3c4'],
      createdAt: '2026-09-01T10:00:00.000Z',
      platforms: [versionPlatform({ size: 3_000_000 })],
      size: 3_000_000,
    }),
  ];
}

/** Where hello-web's list comes from: listed a minute before the versions' newest. */
export function versionSource(
  fields: Partial<ImageVersionSource> = {},
): ImageVersionSource {
  return {
    state: 'fresh',
    listedAt: '2026-12-01T10:05:00.000Z',
    adapter: 'oci',
    registry: 'localhost:5000',
    repository: 'apps/hello-web',
    ...fields,
  };
}

/** 1.2.0 → 1.3.0 of hello-web: a new base, an added platform, a changed one. */
export function comparisonFixture(): ImageVersionComparison {
  const [to, from] = helloWebVersions();
  return {
    from,
    to,
    summary:
      'Rebuilt because busybox-base changed (0a0a0a0a → 0b0b0b0b); adds linux/arm64',
    platforms: [
      {
        platform: 'linux/amd64',
        change: 'changed',
        fromDigest: VERSION_DIGESTS.amd64v120,
        toDigest: VERSION_DIGESTS.amd64v130,
        fromSize: 3_300_000,
        toSize: 3_400_000,
        layersAdded: [{ digest: digest('1a1a1a1a'), size: 120_000 }],
        layersRemoved: [{ digest: digest('2b2b2b2b'), size: 20_000 }],
        layersShared: 2,
      },
      {
        platform: 'linux/arm64',
        change: 'added',
        toDigest: VERSION_DIGESTS.arm64v130,
        toSize: 3_500_000,
        layersAdded: [],
        layersRemoved: [],
        layersShared: 0,
      },
    ],
    bases: [
      {
        reference: 'localhost:5000/base/busybox:stable',
        from: VERSION_DIGESTS.busyboxOlder,
        to: VERSION_DIGESTS.busyboxOld,
      },
    ],
    buildArgs: [{ name: 'NGINX_PORT', to: '8080' }],
    sourceRevision: {
      from: 'fedcba9876543210fedcba9876543210fedcba98',
      to: '0123456789abcdef0123456789abcdef01234567',
    },
  };
}
