import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The test runs the real backend plugin the action talks to; only tests import it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import imageFactoryBackend from '@image-factory/plugin-image-factory-backend';
import { AddressInfo } from 'net';
import { createAnalyzeDockerfileAction } from './analyzeDockerfile';

/*
 * The action talks to the real Image Factory backend plugin, started in-process
 * on a loopback port, as it would in a portal.
 */
describe('image-factory:analyze', () => {
  const workspace = createMockDirectory();
  let stop: () => Promise<void>;
  let action: ReturnType<typeof createAnalyzeDockerfileAction>;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        imageFactoryBackend,
        mockServices.rootConfig.factory({
          data: {
            imageFactory: { images: { location: '/nonexistent/images.yaml' } },
          },
        }),
      ],
    });
    stop = () => backend.stop();
    const { port } = backend.server.address() as AddressInfo;
    const baseUrl = async (pluginId: string) =>
      `http://127.0.0.1:${port}/api/${pluginId}`;
    action = createAnalyzeDockerfileAction({
      discovery: { getBaseUrl: baseUrl, getExternalBaseUrl: baseUrl },
      auth: mockServices.auth(),
    });
  });
  afterAll(() => stop());

  const contextFor = (input: {
    path: string;
    buildArgs?: Record<string, string>;
  }) =>
    createMockActionContext({
      input: { failOnError: true as boolean, ...input },
      workspacePath: workspace.path,
    });

  beforeEach(() => {
    workspace.setContent({
      'docker/Dockerfile': [
        'ARG NODE_VERSION=20',
        'FROM node:${NODE_VERSION} AS build',
        'FROM gcr.io/distroless/nodejs22',
        'COPY --from=build /app /app',
        '',
      ].join('\n'),
      'broken/Dockerfile': 'FROM ${MISSING}\n',
    });
  });

  it('outputs the canonical base references, with build args applied', async () => {
    const ctx = contextFor({
      path: 'docker/Dockerfile',
      buildArgs: { NODE_VERSION: '22' },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('bases', [
      'docker.io/library/node:22',
      'gcr.io/distroless/nodejs22',
    ]);
  });

  it('fails naming the file and line when a base cannot be resolved', async () => {
    const ctx = contextFor({ path: 'broken/Dockerfile' });
    await expect(action.handler(ctx)).rejects.toThrow(
      "broken/Dockerfile:1: '${MISSING}' (expands to '') is not a valid image reference",
    );
  });

  it('refuses paths outside the workspace and missing files', async () => {
    await expect(
      action.handler(contextFor({ path: '../../etc/passwd' })),
    ).rejects.toThrow(/outside/);
    await expect(
      action.handler(contextFor({ path: 'nope/Dockerfile' })),
    ).rejects.toThrow(
      "path: cannot read 'nope/Dockerfile' in the workspace (ENOENT)",
    );
  });
});
