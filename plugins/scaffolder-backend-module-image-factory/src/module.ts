import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createValidateImageAction } from './actions/validateImage';

/**
 * Scaffolder module with the Image Factory's template actions.
 *
 * @public
 */
export const scaffolderModuleImageFactory = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'image-factory',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createValidateImageAction());
      },
    });
  },
});
