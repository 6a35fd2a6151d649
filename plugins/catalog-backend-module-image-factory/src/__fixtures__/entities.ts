import {
  ImageBuildEntityV1alpha1,
  ImageEntityV1alpha1,
  ProviderEntityV1alpha1,
  WheelEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';

const SHA_A = `sha256:${'a'.repeat(64)}`;
const SHA_B = `sha256:${'b'.repeat(64)}`;

/** A managed Image built FROM busybox-base and pushed to the local registry. */
export const imageEntity: ImageEntityV1alpha1 = {
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Image',
  metadata: { name: 'hello-web', namespace: 'default' },
  spec: {
    type: 'managed',
    owner: 'team-web',
    reference: 'localhost:5000/apps/hello-web',
    registry: 'localhost:5000',
    repository: 'apps/hello-web',
    platforms: ['linux/amd64', 'linux/s390x'],
    source: {
      provider: 'github',
      repo: 'image-factory/examples',
      branch: 'main',
      dockerfile: 'dockerfiles/hello-web/Dockerfile',
      context: 'dockerfiles/hello-web',
    },
    rebuild: { auto: true, delay: '1h', coalesceWindow: '30m' },
    stages: ['dev', 'staging', 'prod'],
    dependsOn: ['busybox-base'],
    providedBy: 'registry-local',
  },
};

/** One build of hello-web, produced by the local Docker executor. */
export const imageBuildEntity: ImageBuildEntityV1alpha1 = {
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'ImageBuild',
  metadata: { name: 'hello-web-1', namespace: 'default' },
  spec: {
    image: 'hello-web',
    owner: 'team-web',
    reference: `localhost:5000/apps/hello-web@${SHA_A}`,
    digest: SHA_A,
    tags: ['1.0.0'],
    platforms: [{ platform: 'linux/amd64', digest: SHA_B }],
    cause: 'manual',
    builtFrom: [
      { reference: 'localhost:5000/base/busybox:stable', digest: SHA_B },
    ],
    producedBy: 'executor-local-docker',
  },
};

/** A wheel the refinery built on the local executor. */
export const wheelEntity: WheelEntityV1alpha1 = {
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Wheel',
  metadata: { name: 'numpy', namespace: 'default' },
  spec: {
    package: 'numpy',
    owner: 'team-data',
    versions: ['2.1.3'],
    targets: [{ python: 'cp312', platform: 'linux/s390x' }],
    status: 'built',
    builtBy: 'executor-local-docker',
  },
};

/** The local Docker executor. */
export const providerEntity: ProviderEntityV1alpha1 = {
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Provider',
  metadata: { name: 'executor-local-docker', namespace: 'default' },
  spec: {
    type: 'executor',
    implementation: 'docker',
    endpoint: 'unix:///var/run/docker.sock',
    owner: 'group:default/platform-team',
    capabilities: {
      platforms: ['linux/amd64'],
      emulatedPlatforms: [],
      concurrency: 2,
    },
  },
};
