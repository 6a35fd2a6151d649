import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAnalyzeDockerfileAction } from './actions/analyzeDockerfile';
import { createEnrollImageAction } from './actions/enrollImage';
import { createEnrollWheelSetAction } from './actions/enrollWheelSet';
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
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(
          createValidateImageAction(),
          createAnalyzeDockerfileAction({ discovery, auth }),
          createEnrollImageAction({ discovery, auth }),
          createEnrollWheelSetAction({ discovery, auth }),
        );
      },
    });
  },
});
