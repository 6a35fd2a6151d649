import { Config } from '@backstage/config';
import type { ProviderConfig } from './readProvidersConfig';

/**
 * The web address of a source host, with its scheme and no trailing slash:
 * the address `readProvidersConfig` worked out (`webUrl`), else the host as
 * configured when it has a scheme, else `http` when `integrations.github`'s
 * `apiBaseUrl` for that host is plain http (a GitHub Enterprise without TLS,
 * the local GitHub test server), else `https`.
 *
 * @public
 */
export function sourceWebUrl(
  host: Pick<ProviderConfig, 'endpoint' | 'webUrl'>,
  config?: Config,
): string {
  if (host.webUrl) return host.webUrl;
  const endpoint = host.endpoint.replace(/\/+$/, '');
  if (/^[a-z]+:\/\//i.test(endpoint)) return endpoint;
  const integration = (
    config?.getOptionalConfigArray('integrations.github') ?? []
  ).find(c => c.getOptionalString('host') === endpoint);
  const api = integration?.getOptionalString('apiBaseUrl');
  return `${api?.startsWith('http://') ? 'http' : 'https'}://${endpoint}`;
}
