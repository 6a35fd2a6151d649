import { assertError } from '@backstage/errors';
import { parseWwwAuthenticate } from './parseWwwAuthenticate';
import { resolveRegistryEndpoint } from './registryEndpoint';
import { RegistryCredentials } from './types';

/** What {@link checkRegistry} found; never holds a secret. */
export interface RegistryCheck {
  state: 'ok' | 'invalid-credentials' | 'unreachable';
  message: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Checks that a registry answers the distribution API (`GET /v2/`) and
 * accepts the credentials: with a Basic challenge they are sent to `/v2/`,
 * with a Bearer challenge they are exchanged for a token at the realm.
 */
export async function checkRegistry(options: {
  registry: string;
  credentials?: RegistryCredentials;
  insecureHosts?: ReadonlySet<string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<RegistryCheck> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
  const { credentials } = options;
  try {
    const { origin } = resolveRegistryEndpoint(
      options.registry,
      options.insecureHosts ?? new Set(),
    );
    const url = `${origin}/v2/`;
    const first = await fetchImpl(url, { signal });
    await first.body?.cancel();
    if (first.ok) {
      return {
        state: 'ok',
        message: credentials
          ? 'Reachable; the registry asks for no credentials'
          : 'Reachable, anonymous access',
      };
    }
    if (first.status !== 401) {
      return {
        state: 'unreachable',
        message: `GET /v2/ answered HTTP ${first.status}`,
      };
    }
    if (!credentials) {
      return {
        state: 'invalid-credentials',
        message: 'The registry asks for credentials and none are configured',
      };
    }
    const challenges = parseWwwAuthenticate(
      first.headers.get('www-authenticate') ?? '',
    );
    const bearer = challenges.find(c => c.scheme === 'bearer');
    let status: number;
    if (credentials.type === 'bearer') {
      const res = await fetchImpl(url, {
        signal,
        headers: { Authorization: `Bearer ${credentials.token}` },
      });
      await res.body?.cancel();
      status = res.status;
    } else if (bearer?.params.realm) {
      const realm = new URL(bearer.params.realm);
      if (bearer.params.service) {
        realm.searchParams.set('service', bearer.params.service);
      }
      const res = await fetchImpl(realm, {
        signal,
        headers: { Authorization: basic(credentials) },
      });
      await res.body?.cancel();
      status = res.status;
    } else {
      const res = await fetchImpl(url, {
        signal,
        headers: { Authorization: basic(credentials) },
      });
      await res.body?.cancel();
      status = res.status;
    }
    if (status >= 200 && status < 300) {
      return { state: 'ok', message: 'Reachable; credentials accepted' };
    }
    if (status === 401 || status === 403) {
      return {
        state: 'invalid-credentials',
        message: `The registry refused the credentials (HTTP ${status})`,
      };
    }
    return {
      state: 'unreachable',
      message: `Checking the credentials answered HTTP ${status}`,
    };
  } catch (e) {
    assertError(e);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return {
      state: 'unreachable',
      message: `No answer from ${options.registry}: ${
        cause?.code ?? cause?.message ?? e.message
      }`,
    };
  }
}

function basic(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(
    `${credentials.username}:${credentials.password}`,
  ).toString('base64')}`;
}
