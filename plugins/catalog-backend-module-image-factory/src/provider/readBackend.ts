import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * GETs a path of the Image Factory backend with the catalog's service token:
 * modules reach the backend only over its REST API.
 */
export async function readBackend(
  path: string,
  deps: { auth: AuthService; discovery: DiscoveryService },
): Promise<unknown> {
  const { token } = await deps.auth.getPluginRequestToken({
    onBehalfOf: await deps.auth.getOwnServiceCredentials(),
    targetPluginId: 'image-factory',
  });
  const baseUrl = await deps.discovery.getBaseUrl('image-factory');
  const response = await fetch(`${baseUrl}/${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw await ResponseError.fromResponse(response);
  return response.json();
}
