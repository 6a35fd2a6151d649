import { screen, waitFor } from '@testing-library/react';
import { mockApis } from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';

type Answer = Exclude<
  NonNullable<
    NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize']
  >,
  (...args: never[]) => unknown
>;
// AuthorizeResult's values; the enum lives in a package the plugin does not need.
const ALLOW = 'ALLOW' as Answer;
const DENY = 'DENY' as Answer;

/**
 * A permission API that denies the permissions named (on any entity, or only
 * on `resourceRef`) and allows the rest, for `TestApiProvider`. Deny tests
 * use entities of their own: usePermission caches answers per request.
 */
export function permissionApi(
  denied: Array<{ name: string; resourceRef?: string }> = [],
) {
  return [
    permissionApiRef,
    mockApis.permission({
      authorize: request =>
        denied.some(
          d =>
            d.name === request.permission.name &&
            (d.resourceRef === undefined ||
              d.resourceRef ===
                (request as { resourceRef?: string }).resourceRef),
        )
          ? DENY
          : ALLOW,
    }),
  ] as const;
}

/**
 * The button once it is enabled: controls behind a permission are disabled
 * until the permission API has answered.
 */
export async function findEnabledButton(name: string): Promise<HTMLElement> {
  const button = () => screen.getByRole('button', { name });
  await waitFor(() => expect(button()).toBeEnabled(), { timeout: 10_000 });
  return button();
}
