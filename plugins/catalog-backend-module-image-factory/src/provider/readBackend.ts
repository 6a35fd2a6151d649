import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** Reads one path of the Image Factory backend (see {@link backendReader}). */
export type ReadBackend = (path: string) => Promise<unknown>;

/**
 * A reader of the Image Factory backend's REST API with the catalog's service
 * token: modules reach the backend only over it. It asks again with the ETag
 * of the last answer to the same path; when the backend answers 304, it gives
 * back that answer, the same object, so a provider can tell "nothing new"
 * without parsing or comparing.
 */
export function backendReader(deps: {
  auth: AuthService;
  discovery: DiscoveryService;
}): ReadBackend {
  const last = new Map<string, { etag: string; body: unknown }>();
  return async path => {
    const { token } = await deps.auth.getPluginRequestToken({
      onBehalfOf: await deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'image-factory',
    });
    const baseUrl = await deps.discovery.getBaseUrl('image-factory');
    const cached = last.get(path);
    const response = await fetch(`${baseUrl}/${path}`, {
      headers: {
        Authorization: `Bearer ${token}`,
        // fetch would add `Cache-Control: no-cache` to a conditional request,
        // which makes Express answer in full.
        ...(cached
          ? { 'If-None-Match': cached.etag, 'Cache-Control': 'max-age=0' }
          : {}),
      },
    });
    if (response.status === 304 && cached) return cached.body;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = await response.json();
    const etag = response.headers.get('etag');
    if (etag) last.set(path, { etag, body });
    else last.delete(path);
    return body;
  };
}
