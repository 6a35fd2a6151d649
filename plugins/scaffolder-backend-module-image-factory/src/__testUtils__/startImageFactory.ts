import { readFileSync } from 'fs';
import path from 'path';
import { AddressInfo } from 'net';
import {
  coreServices,
  createServiceFactory,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
// The tests run the real backend plugin the actions talk to; only tests import it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import imageFactoryBackend from '@image-factory/plugin-image-factory-backend';

/** The example file: comments, blank lines, four images. */
export const EXAMPLE_IMAGES_YAML = readFileSync(
  path.resolve(__dirname, '../../../../examples/images.yaml'),
  'utf8',
);

/** The example wheels.yaml: comments, two sets. */
export const EXAMPLE_WHEELS_YAML = readFileSync(
  path.resolve(__dirname, '../../../../examples/wheels.yaml'),
  'utf8',
);

/** The platforms the refinery has a builder for, with `wheelSets`. */
export const WHEEL_BUILDER_PLATFORMS = ['linux/amd64', 'linux/s390x'];

export const OWNER = 'acme';
export const REPO = 'factory-config';

/** Who belongs to which group, as the catalog would say. */
const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/jane': ['group:default/team-web'],
};

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERSHIPS[ref] ?? [])],
      };
    },
  }),
});

export interface ImageFactoryUnderTest {
  github: GitHubTestServer;
  /** Discovery pointing at the backend, as the scaffolder's would. */
  discovery: DiscoveryService;
  stop(): Promise<void>;
}

export interface StartImageFactoryOptions {
  /**
   * Enrolls wheel sets by pull request too: the example `wheels.yaml` next to
   * `images.yaml` in the config repository as
   * `imageFactory.refinery.wheels.location`, builders for
   * {@link WHEEL_BUILDER_PLATFORMS}, and no refinery workers. Without it the
   * refinery has no `wheels.yaml`, so wheel sets cannot be enrolled.
   */
  wheelSets?: boolean;
}

/**
 * The Image Factory backend plugin, started in-process on a loopback port,
 * with enrollment configured as in a portal: `images.yaml` of the example in
 * a repository of a local GitHub test server, reached through an
 * `integrations.github` entry.
 */
export async function startImageFactory(
  options: StartImageFactoryOptions = {},
): Promise<ImageFactoryUnderTest> {
  const github = await startGitHubTestServer({
    repos: [
      {
        owner: OWNER,
        name: REPO,
        files: {
          'images.yaml': EXAMPLE_IMAGES_YAML,
          ...(options.wheelSets ? { 'wheels.yaml': EXAMPLE_WHEELS_YAML } : {}),
        },
      },
      // The source the tests enroll web-api from: the factory reads it first.
      {
        owner: OWNER,
        name: 'web-api',
        files: {
          'docker/Dockerfile': 'FROM localhost:5000/base/busybox:stable\n',
        },
      },
    ],
  });
  const host = new URL(github.webUrl).host;
  const backend = await startTestBackend({
    features: [
      imageFactoryBackend,
      userInfoFactory,
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              {
                host,
                apiBaseUrl: github.baseUrl,
                token: github.token,
              },
            ],
          },
          imageFactory: {
            images: { location: '/nonexistent/images.yaml' },
            tracking: { enabled: false },
            providers: {
              sources: { github: { host } },
              // Never reached: enrollment only reads the platforms it builds.
              executors: {
                local: {
                  type: 'docker',
                  host: 'unix:///nonexistent/docker.sock',
                  platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
                },
              },
            },
            enrollment: {
              target: `${github.webUrl}/${OWNER}/${REPO}/blob/main/images.yaml`,
            },
            ...(options.wheelSets
              ? {
                  refinery: {
                    wheels: {
                      location: `${github.webUrl}/${OWNER}/${REPO}/blob/main/wheels.yaml`,
                    },
                    builders: WHEEL_BUILDER_PLATFORMS.map(platform => ({
                      platform,
                      image: `wheel-builder:${platform.split('/')[1]}`,
                    })),
                    // Enrollment only reads which platforms have a builder.
                    workers: { enabled: false },
                  },
                }
              : {}),
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  const baseUrl = async (pluginId: string) =>
    `http://127.0.0.1:${port}/api/${pluginId}`;
  return {
    github,
    discovery: { getBaseUrl: baseUrl, getExternalBaseUrl: baseUrl },
    async stop() {
      await backend.stop();
      await github.stop();
    },
  };
}
