import {
  RegistryAdapterContext,
  RegistryCredentials,
} from '@image-factory/plugin-image-factory-node';

/** One request an adapter sent through the context. */
export interface RecordedAdapterRequest {
  method: string;
  url: string;
  budgetHost?: string;
}

/**
 * A `RegistryAdapterContext` over the real `fetch` that records each request
 * (as the factory counts them in a host's budget) and serves fixed credentials.
 */
export function testAdapterContext(
  options: { credentials?: Record<string, RegistryCredentials> } = {},
): { context: RegistryAdapterContext; requests: RecordedAdapterRequest[] } {
  const requests: RecordedAdapterRequest[] = [];
  const context: RegistryAdapterContext = {
    async fetch(url, init = {}) {
      const { budgetHost, ...rest } = init;
      requests.push({ method: rest.method ?? 'GET', url, budgetHost });
      return fetch(url, rest);
    },
    async credentials(host) {
      return options.credentials?.[host];
    },
  };
  return { context, requests };
}
