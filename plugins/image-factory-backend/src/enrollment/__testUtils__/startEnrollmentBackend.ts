import { readFileSync } from 'node:fs';
import type { JsonObject } from '@backstage/types';
import { resolve } from 'node:path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  GitHubTestServerOptions,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { Knex } from 'knex';
import { imageFactoryPlugin } from '../../plugin';

/** The example file users start from: comments, blank lines, four images. */
export const EXAMPLE_IMAGES_YAML = readFileSync(
  resolve(__dirname, '../../../../../examples/images.yaml'),
  'utf8',
);

export const OWNER = 'acme';
/** What the configured executor builds; other platforms need a confirmation. */
export const EXECUTOR_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x'];
/** The Dockerfile of acme/web-api, the source repository tests enroll from. */
export const WEB_API_DOCKERFILE =
  'FROM localhost:5000/base/busybox:stable\nCOPY . /srv\n';
export const REPO = 'factory-config';
export const WEBHOOK_SECRET = 'webhook-s3cret';

/** Who belongs to which group, as the catalog would say. */
const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/jane': ['group:default/team-web'],
  'user:default/pat': ['group:default/platform-team'],
};

export const jane = mockCredentials.user('user:default/jane');
export const pat = mockCredentials.user('user:default/pat');

/** Ownership from MEMBERSHIPS, as the real UserInfoService reads it from the token. */
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

export interface EnrollmentBackend {
  github: GitHubTestServer;
  server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  /** Points the GitHub test server's webhook at this backend. */
  takeWebhook(): void;
  stop(): Promise<void>;
}

/**
 * The backend plugin as installed, against a GitHub test server holding the
 * config repository with the example images.yaml, with the webhook pointed
 * at the backend.
 */
export async function startEnrollmentBackend(
  options: {
    github?: GitHubTestServerOptions;
    /** Token the backend uses; default: the one the server accepts. */
    token?: string;
    enrollment?: Record<string, unknown>;
    /** `imageFactory.refinery`, given the test server's web URL; default: none. */
    refinery?: (webUrl: string) => JsonObject;
    /** More files of the config repository next to images.yaml. */
    configFiles?: Record<string, string>;
    /** Repository named in the target; default acme/factory-config. */
    repo?: string;
    /** Source repositories next to the config repository, e.g. with Dockerfiles. */
    sourceRepos?: GitHubTestServerOptions['repos'];
    /** The Docker host of the executor; default one that is never reached. */
    executorHost?: string;
    /** More features, e.g. the real scheduler instead of the mock. */
    features?: Parameters<typeof startTestBackend>[0]['features'];
    /**
     * Another replica of the factory: this backend uses that one's GitHub test
     * server (left running when this one stops) and does not take its webhook.
     */
    replicaOf?: EnrollmentBackend;
    /** `imageFactory.images.schedule`; default: the plugin's. */
    imagesSchedule?: JsonObject;
    /** The database of every plugin (and the scheduler); default: the test backend's. */
    knex?: Knex;
  } = {},
): Promise<EnrollmentBackend> {
  const shared = options.replicaOf?.github;
  const github =
    shared ??
    (await startGitHubTestServer({
      repos: [
        {
          owner: OWNER,
          name: REPO,
          files: { 'images.yaml': EXAMPLE_IMAGES_YAML, ...options.configFiles },
        },
        // The source of the image most tests enroll.
        {
          owner: OWNER,
          name: 'web-api',
          files: { Dockerfile: WEB_API_DOCKERFILE },
        },
        ...(options.sourceRepos ?? []),
      ],
      ...options.github,
    }));
  const host = new URL(github.webUrl).host;
  const location = `${github.webUrl}/${OWNER}/${
    options.repo ?? REPO
  }/blob/main/images.yaml`;
  const backend = await startTestBackend({
    features: [
      ...(options.features ?? []),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      imageFactoryPlugin,
      userInfoFactory,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              {
                host,
                apiBaseUrl: github.baseUrl,
                token: options.token ?? github.token,
              },
            ],
          },
          imageFactory: {
            images: {
              location,
              ...(options.imagesSchedule
                ? { schedule: options.imagesSchedule }
                : {}),
            },
            tracking: { enabled: false },
            ...(options.refinery
              ? { refinery: options.refinery(github.webUrl) }
              : {}),
            providers: {
              sources: { github: { host } },
              // Never reached: enrollment only reads the platforms it builds.
              executors: {
                local: {
                  type: 'docker',
                  host:
                    options.executorHost ?? 'unix:///nonexistent/docker.sock',
                  platforms: EXECUTOR_PLATFORMS,
                },
              },
            },
            enrollment: {
              labels: ['image-factory'],
              reviewers: ['octo-reviewer'],
              webhookSecret: WEBHOOK_SECRET,
              maxRetryAfter: '2s',
              ...options.enrollment,
            },
          },
        },
      }),
    ],
  });
  const port = (backend.server.address() as { port: number }).port;
  const webhookUrl = `http://127.0.0.1:${port}/api/image-factory/webhooks/github`;
  if (!shared) github.setWebhook({ url: webhookUrl, secret: WEBHOOK_SECRET });
  return {
    github,
    server: backend.server,
    takeWebhook: () =>
      github.setWebhook({ url: webhookUrl, secret: WEBHOOK_SECRET }),
    async stop() {
      await github.flushWebhooks();
      await backend.stop();
      if (!shared) await github.stop();
    },
  };
}

/**
 * Stops the backend, then fails the test if the factory sent the GitHub test
 * server a request that GitHub's API would refuse.
 */
export async function stopAndCheckGitHub(b: EnrollmentBackend | undefined) {
  if (!b) return;
  const violations = b.github.violations();
  await b.stop();
  if (violations.length > 0) {
    throw new Error(
      `GitHub API violations: ${JSON.stringify(violations, null, 2)}`,
    );
  }
}
