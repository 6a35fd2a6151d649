import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { imageFactoryApiRef } from '../api';
import { ImageLifecycleContent } from '../components/ImageLifecycleContent';
import type { InMemoryImageFactoryApi } from '../__fixtures__/InMemoryImageFactoryApi';
import { exampleImage } from '../__fixtures__/images';
import { permissionApi } from './permissions';
import { TestSignalApi } from './signals';

/** A digest made of `hex` repeated. */
export const digest = (hex: string) => `sha256:${hex.repeat(64 / hex.length)}`;

/** An Image entity named `name` with stages dev, staging and prod. */
export const stagedImage = (name: string) =>
  ({
    ...exampleImage('hello-web', { stages: ['dev', 'staging', 'prod'] }),
    metadata: { name, namespace: 'default' },
  } as ImageEntityV1alpha1);

/** Renders the Lifecycle tab of `entity` on `api`, with the permissions named denied. */
export async function renderTab(
  api: InMemoryImageFactoryApi,
  entity: ImageEntityV1alpha1,
  denied: Array<{ name: string }> = [],
  signals = new TestSignalApi(),
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[[imageFactoryApiRef, api], permissionApi(denied), signals.entry()]}
    >
      <EntityProvider entity={entity}>
        <ImageLifecycleContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

/** Queries inside a stage's column. */
export const column = (stage: string) =>
  within(screen.getByRole('region', { name: `Stage ${stage}` }));

/** Types `reason` in the open dialog, presses `submit`, and waits for it to close. */
export async function submitDialog(reason: string, submit: string) {
  const dialog = within(await screen.findByRole('dialog'));
  if (reason) {
    await userEvent.type(dialog.getByLabelText('Reason'), reason);
  }
  await userEvent.click(dialog.getByRole('button', { name: submit }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
}
