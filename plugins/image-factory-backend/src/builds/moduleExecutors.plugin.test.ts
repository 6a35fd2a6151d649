import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  ImageFactoryExecutor,
  imageFactoryExecutorsExtensionPoint,
} from '@image-factory/plugin-image-factory-node';
import request from 'supertest';
import { imageFactoryPlugin } from '../plugin';

/** An executor of a module; nothing here ever builds with it. */
function moduleExecutor(id: string): ImageFactoryExecutor {
  const unused = () => Promise.reject(new Error('not used by this test'));
  return {
    id,
    describe: () =>
      Promise.resolve({
        platforms: ['linux/amd64'],
        emulatedPlatforms: [],
        concurrency: 1,
      }),
    checkHealth: () => Promise.resolve(),
    buildPlatform: unused,
    push: unused,
  };
}

function executorModule(moduleId: string, executorId: string) {
  return createBackendModule({
    pluginId: 'image-factory',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { executors: imageFactoryExecutorsExtensionPoint },
        async init({ executors }) {
          executors.addExecutor(moduleExecutor(executorId));
        },
      });
    },
  });
}

const config = mockServices.rootConfig.factory({
  data: {
    imageFactory: {
      images: { location: '/nonexistent/images.yaml' },
      tracking: { enabled: false },
      builds: { worker: false },
    },
  },
});

describe('executors added by modules', () => {
  it('stops startup when two modules add an executor with the same id', async () => {
    await expect(
      startTestBackend({
        features: [
          imageFactoryPlugin,
          config,
          executorModule('first', 'remote-builder'),
          executorModule('second', 'remote-builder'),
        ],
      }),
    ).rejects.toThrow(
      "an executor with id 'remote-builder' was already added; each module executor needs an id of its own",
    );
  });

  it('starts with module executors of their own ids', async () => {
    const backend = await startTestBackend({
      features: [
        imageFactoryPlugin,
        config,
        executorModule('first', 'remote-builder'),
        executorModule('second', 'other-builder'),
      ],
    });
    const health = await request(backend.server).get(
      '/api/image-factory/health',
    );
    expect(health.status).toBe(200);
    await backend.stop();
  });
});
