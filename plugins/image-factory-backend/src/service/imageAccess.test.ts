import { mockCredentials } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  imageFactoryBuildPermission,
  imageFactoryEmergencyRebuildPermission,
} from '@image-factory/plugin-image-factory-common';
import { createPolicyPermissions } from '../__testUtils__/policyPermissions';
import { thrown } from '../__testUtils__/thrown';
import { createImageAccess, imageEntityRef } from './imageAccess';

const HELLO = 'image:default/hello';

describe('createImageAccess', () => {
  const access = createImageAccess({
    permissions: createPolicyPermissions(
      q => !(q.permission === 'catalog.entity.read' && q.resourceRef === HELLO),
    ),
  });

  it('lets a service act only when its access restrictions name the permission', async () => {
    const ci = mockCredentials.service('external:ci', {
      permissionNames: [imageFactoryBuildPermission.name],
    });
    await expect(
      access.authorize(ci, imageFactoryBuildPermission, HELLO, 'build it'),
    ).resolves.toBeUndefined();
    const other = await thrown(() =>
      access.authorize(
        ci,
        imageFactoryEmergencyRebuildPermission,
        HELLO,
        'rebuild it',
      ),
    );
    expect(other.name).toBe('NotAllowedError');
    const unrestricted = await thrown(() =>
      access.authorize(
        mockCredentials.service('plugin:scaffolder'),
        imageFactoryBuildPermission,
        HELLO,
        'build it',
      ),
    );
    expect(unrestricted.message).toMatch(/^Services may not build it: /);
    // By action only is not enough: the permission must be named.
    const byAction = await thrown(() =>
      access.authorize(
        mockCredentials.service('external:ci', {
          permissionAttributes: { action: ['update'] },
        }),
        imageFactoryBuildPermission,
        HELLO,
        'build it',
      ),
    );
    expect(byAction.name).toBe('NotAllowedError');
  });

  it('answers reads per entity and filters lists, keeping items without an entity', async () => {
    const jane = mockCredentials.user('user:default/jane');
    expect(
      await access.canRead(jane, [HELLO, 'image:default/web', HELLO]),
    ).toEqual([false, true, false]);
    expect(
      await access.filterReadable(
        jane,
        [{ ref: HELLO }, { ref: 'image:default/web' }, { ref: undefined }],
        i => i.ref,
      ),
    ).toEqual([{ ref: 'image:default/web' }, { ref: undefined }]);
    const error = await thrown(() =>
      access.requireRead(jane, HELLO, () => new NotFoundError('No hello')),
    );
    expect(error.message).toBe('No hello');
    expect(imageEntityRef('hello')).toBe(HELLO);
  });
});
