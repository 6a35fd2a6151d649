import { startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import defaultFeature from './index';
import { scaffolderModuleImageFactory } from './module';

describe('scaffolderModuleImageFactory', () => {
  it('adds the image-factory actions to the scaffolder', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...added: TemplateAction<any, any, any>[]) =>
              actions.push(...added),
          },
        ],
      ],
      features: [scaffolderModuleImageFactory],
    });

    expect(actions.map(a => a.id)).toEqual([
      'image-factory:validate',
      'image-factory:analyze',
      'image-factory:enroll',
      'image-factory:enroll-wheel-set',
    ]);
    await backend.stop();
  });

  it('is the default export of the package, for backend.add(import(...))', () => {
    expect(defaultFeature).toBe(scaffolderModuleImageFactory);
  });
});
