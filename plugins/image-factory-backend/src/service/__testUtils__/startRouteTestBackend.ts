import { ServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { Knex } from 'knex';
import { Server } from 'http';
import { imageFactoryPlugin } from '../../plugin';

/**
 * The backend plugin as installed, for route tests: the database `knex`,
 * images.yaml at `imagesLocation`, sources on the GitHub test server, no
 * tracking, no build worker, no automatic builds (the runs a test sees are
 * those it asked for) and an executor on a socket nobody listens on.
 * `imageFactory` is laid over those defaults; `features` add services such
 * as recording permissions.
 */
export async function startRouteTestBackend(options: {
  knex: Knex;
  github: GitHubTestServer;
  imagesLocation: string;
  imageFactory?: Record<string, unknown>;
  /** Replaces the mock httpAuth (which accepts mock tokens, default none). */
  httpAuth?: ServiceFactory;
  /** Other top-level configuration, such as `permission.enabled`. */
  config?: Record<string, unknown>;
  features?: Parameters<typeof startTestBackend>[0]['features'];
}): Promise<{ server: Server; stop: () => Promise<void> }> {
  const host = new URL(options.github.webUrl).host;
  const backend = await startTestBackend({
    features: [
      imageFactoryPlugin,
      mockServices.database.factory({ knex: options.knex }),
      options.httpAuth ??
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ...(options.features ?? []),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          integrations: {
            github: [
              {
                host,
                apiBaseUrl: options.github.baseUrl,
                token: options.github.token,
              },
            ],
          },
          imageFactory: {
            images: { location: options.imagesLocation },
            tracking: { enabled: false },
            builds: { worker: false },
            rebuilds: { automaticBuilds: false },
            providers: {
              executors: {
                'no-docker': {
                  host: 'unix:///tmp/image-factory-route-test-no-docker.sock',
                },
              },
              sources: { github: { host } },
            },
            ...options.imageFactory,
          },
        },
      }),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}

/**
 * {@link startRouteTestBackend} with its own GitHub test server and an
 * images.yaml of `images` (the entries' YAML lines) in a fresh directory;
 * `stop` stops and removes all of it.
 */
export async function startRouteTestFixture(
  options: Omit<
    Parameters<typeof startRouteTestBackend>[0],
    'github' | 'imagesLocation'
  > & { images: string[] },
): Promise<{
  server: Server;
  github: GitHubTestServer;
  stop: () => Promise<void>;
}> {
  const { images, ...rest } = options;
  const github = await startGitHubTestServer();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'route-test-'));
  const imagesLocation = path.join(dir, 'images.yaml');
  await fs.writeFile(
    imagesLocation,
    [
      'apiVersion: imagefactory.dev/v1alpha1',
      images.length ? 'images:' : 'images: []',
      ...images,
      '',
    ].join('\n'),
  );
  const backend = await startRouteTestBackend({
    ...rest,
    github,
    imagesLocation,
  }).catch(async error => {
    await github.stop();
    throw error;
  });
  return {
    server: backend.server,
    github,
    stop: async () => {
      await backend.stop();
      await github.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
