import { RegistryAdapterContext } from '@image-factory/plugin-image-factory-node';
import { createHash } from 'node:crypto';
import { RegistryAuthError, RegistryResponseError } from '../../../registry';
import { throwOnHubFailure } from './throwOnHubFailure';

// `POST /v2/auth/token` with `{ identifier, secret }` ("Create access token",
// https://docs.docker.com/reference/api/hub/latest/) returns `{ access_token }`,
// a JWT that "expires in 10 minutes". The older `POST /v2/users/login` is
// marked deprecated in favour of it.

/** The documented lifetime of an access token, used when its JWT has no `exp`. */
const TOKEN_LIFETIME_MS = 10 * 60_000;
/** Renew a token this long before it expires, so a request never carries a stale one. */
const TOKEN_RENEW_MARGIN_MS = 30_000;

/** A `docker.io` username and personal access token. */
export type BasicCredentials = { username: string; password: string };

/** Docker Hub access tokens, obtained by logging in and cached until shortly before they expire. */
export interface HubTokens {
  /** A valid access token for these credentials, from the cache or a fresh login. */
  login(
    credentials: BasicCredentials,
    context: RegistryAdapterContext,
  ): Promise<string>;
  /** Drops the cached token (Hub refused it before it should have expired). */
  forget(credentials: BasicCredentials): void;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

function tokenKey(credentials: BasicCredentials) {
  return createHash('sha256')
    .update(`${credentials.username}\0${credentials.password}`)
    .digest('hex');
}

/** The `exp` claim of a JWT, in ms; undefined when it has none or is not a JWT. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Logs in at `<apiRoot>/v2/auth/token`. Refused credentials throw
 * `RegistryAuthError`; other failures throw as {@link throwOnHubFailure} says.
 */
export function createHubTokens(options: {
  apiRoot: string;
  now: () => number;
}): HubTokens {
  const { apiRoot, now } = options;
  // Keyed by a hash of username and secret, so a changed secret logs in again.
  const tokens = new Map<string, CachedToken>();

  return {
    async login(credentials, context) {
      const key = tokenKey(credentials);
      const cached = tokens.get(key);
      if (cached && cached.expiresAt - TOKEN_RENEW_MARGIN_MS > now()) {
        return cached.token;
      }
      tokens.delete(key);
      const response = await context.fetch(`${apiRoot}/v2/auth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          identifier: credentials.username,
          secret: credentials.password,
        }),
        signal: context.signal,
      });
      if (response.status === 401 || response.status === 403) {
        throw new RegistryAuthError(
          `Docker Hub refused the credentials of ${credentials.username} for docker.io (status ${response.status}): check the username and personal access token`,
        );
      }
      await throwOnHubFailure(response, 'log in to Docker Hub', now);
      const body = (await response.json().catch(() => undefined)) as
        | { access_token?: unknown }
        | undefined;
      if (typeof body?.access_token !== 'string' || !body.access_token) {
        throw new RegistryResponseError(
          'Docker Hub answered the login without an access_token',
          response.status,
        );
      }
      const token = body.access_token;
      tokens.set(key, {
        token,
        expiresAt: jwtExpiry(token) ?? now() + TOKEN_LIFETIME_MS,
      });
      return token;
    },

    forget(credentials) {
      tokens.delete(tokenKey(credentials));
    },
  };
}
