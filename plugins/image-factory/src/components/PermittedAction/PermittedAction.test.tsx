import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Button } from '@material-ui/core';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  imageFactoryBuildPermission,
  imageFactoryUnenrollPermission,
} from '@image-factory/plugin-image-factory-common';
import { permissionApi } from '../../__testUtils__/permissions';
import { PermittedAction } from './PermittedAction';

async function renderAction(
  apis: [ReturnType<typeof permissionApi>],
  resourceRef: string,
) {
  await renderInTestApp(
    <TestApiProvider apis={apis}>
      <PermittedAction
        permission={imageFactoryBuildPermission}
        resourceRef={resourceRef}
      >
        {allowed => <Button disabled={!allowed}>Build now</Button>}
      </PermittedAction>
    </TestApiProvider>,
  );
  // A denied control is re-mounted inside its tooltip: query it afresh.
  return () => screen.getByRole('button', { name: 'Build now' });
}

describe('PermittedAction', () => {
  // Each test its own entity: usePermission caches answers per request.
  it('enables the control once the policy allows it, with no tooltip', async () => {
    const button = await renderAction(
      [permissionApi([{ name: imageFactoryUnenrollPermission.name }])],
      'image:default/allowed',
    );
    await waitFor(() => expect(button()).toBeEnabled());
    await userEvent.hover(button());
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('disables the control with a tooltip naming the permission and the entity', async () => {
    const button = await renderAction(
      [
        permissionApi([
          {
            name: imageFactoryBuildPermission.name,
            resourceRef: 'image:default/denied',
          },
        ]),
      ],
      'image:default/denied',
    );
    await waitFor(() => expect(button()).toBeDisabled());
    await userEvent.hover(button().parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You need the permission image-factory.image.build on image:default/denied',
    );
  });

  it('keeps the control disabled, without a tooltip, while the answer is awaited', async () => {
    const never = mockApis.permission.mock({
      authorize: () => new Promise(() => {}),
    });
    const button = await renderAction(
      [
        [permissionApiRef, never] as unknown as ReturnType<
          typeof permissionApi
        >,
      ],
      'image:default/pending',
    );
    expect(button()).toBeDisabled();
    expect(button().parentElement!.tagName).not.toBe('SPAN');
  });
});
