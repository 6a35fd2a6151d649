import { assertError } from '@backstage/errors';
import { errorFromResponse, readErrorBody } from './errorFromResponse';
import {
  RegistryAuthError,
  RegistryResponseError,
  RegistryUnavailableError,
} from './errors';
import { parseWwwAuthenticate } from './parseWwwAuthenticate';
import { RegistryEndpoint, usesPlainHttp } from './registryEndpoint';
import { isAbort, requestSignal } from './requestSignal';
import { RegistryCredentials, RegistryCredentialsProvider } from './types';

/** The Docker token spec's lifetime for a token sent without `expires_in`. */
const DEFAULT_TOKEN_LIFETIME_S = 60;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** What a request needs to answer a challenge. */
export interface ChallengeContext {
  endpoint: RegistryEndpoint;
  repository: string;
  /** The scope the request needs (`repository:team/app:pull,push`), used when the challenge names none. */
  scope: string;
  /** The `WWW-Authenticate` value of the 401. */
  wwwAuthenticate: string | null;
  /** The `Authorization` value the 401 answered, so a rejected cached token is not sent again. */
  rejected?: string;
}

/** The `Authorization` value to retry with. */
export interface ChallengeAnswer {
  authorization: string;
  /** Whether no credentials went into it (an anonymous token). */
  anonymous: boolean;
}

/**
 * Answers registry challenges (distribution spec, "Authentication"; Docker
 * token spec) and remembers what it learnt: bearer tokens per origin and
 * scope until `expires_in`, and which hosts take the configured credentials
 * as they are (Basic, or a bearer token without a token service).
 */
export class RegistryAuthenticator {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();
  /** Origins whose challenge the configured credentials answer as they are. */
  private readonly directOrigins = new Set<string>();

  constructor(
    private readonly options: {
      credentials?: RegistryCredentialsProvider;
      fetch: typeof fetch;
      userAgent: string;
      insecureHosts: ReadonlySet<string>;
      clock: () => Date;
      requestTimeoutMs: number;
    },
  ) {}

  /** The `Authorization` to send before any challenge, from what earlier requests learnt. */
  async preemptive(
    endpoint: RegistryEndpoint,
    scope: string,
  ): Promise<string | undefined> {
    const cached = this.tokens.get(tokenKey(endpoint, scope));
    if (cached && cached.expiresAt > this.now()) {
      return `Bearer ${cached.token}`;
    }
    if (this.directOrigins.has(endpoint.origin)) {
      const credentials = await this.credentialsFor(endpoint);
      if (credentials) return directAuthorization(credentials);
    }
    return undefined;
  }

  /** Answers the challenge of a 401, or throws `RegistryAuthError`. */
  async answer(context: ChallengeContext): Promise<ChallengeAnswer> {
    const { endpoint, repository } = context;
    const challenges = parseWwwAuthenticate(context.wwwAuthenticate ?? '');
    const bearer = challenges.find(c => c.scheme === 'bearer');
    const basic = challenges.find(c => c.scheme === 'basic');
    const credentials = await this.credentialsFor(endpoint);

    if (bearer && credentials?.type === 'bearer') {
      this.directOrigins.add(endpoint.origin);
      return {
        authorization: directAuthorization(credentials),
        anonymous: false,
      };
    }
    if (bearer) {
      const scope = bearer.params.scope || context.scope;
      const key = tokenKey(endpoint, scope);
      const cached = this.tokens.get(key);
      const usable =
        cached &&
        cached.expiresAt > this.now() &&
        `Bearer ${cached.token}` !== context.rejected;
      const token = usable
        ? cached
        : await this.fetchTokenOnce(key, context, bearer.params, scope);
      return {
        authorization: `Bearer ${token.token}`,
        anonymous: credentials?.type !== 'basic',
      };
    }
    if (basic && credentials?.type === 'basic') {
      this.directOrigins.add(endpoint.origin);
      return {
        authorization: directAuthorization(credentials),
        anonymous: false,
      };
    }
    const why = basic
      ? 'requires a username and password'
      : `sent a challenge this client cannot answer (${
          challenges.map(c => c.scheme).join(', ') || 'none'
        })`;
    throw new RegistryAuthError(
      `Registry ${endpoint.registry} ${why} for repository ${repository}`,
    );
  }

  private now(): number {
    return this.options.clock().getTime();
  }

  private async credentialsFor(endpoint: RegistryEndpoint) {
    return this.options.credentials?.(endpoint.registry);
  }

  /** One token request per origin and scope at a time, shared by concurrent callers. */
  private fetchTokenOnce(
    key: string,
    context: ChallengeContext,
    params: Record<string, string>,
    scope: string,
  ): Promise<CachedToken> {
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetchToken(context, params, scope).finally(() =>
        this.pending.delete(key),
      );
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(
    context: ChallengeContext,
    params: Record<string, string>,
    scope: string,
  ): Promise<CachedToken> {
    const { endpoint, repository } = context;
    const operation = 'token request';
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw new RegistryAuthError(
        `Registry ${endpoint.registry} sent a bearer challenge without a usable realm for repository ${repository}`,
      );
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryAuthError(
        `Registry ${endpoint.registry} sent a bearer realm with scheme ${realm.protocol} for repository ${repository}`,
      );
    }
    if (params.service) realm.searchParams.append('service', params.service);
    for (const s of scope.split(' ').filter(Boolean)) {
      realm.searchParams.append('scope', s);
    }

    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent,
      Accept: 'application/json',
    };
    const credentials = await this.credentialsFor(endpoint);
    // Credentials go to a token service over TLS, or over plain HTTP only
    // where the registry itself would be spoken to that way.
    const realmIsSafe =
      realm.protocol === 'https:' ||
      usesPlainHttp(realm.host, this.options.insecureHosts);
    if (credentials?.type === 'basic') {
      if (!realmIsSafe) {
        throw new RegistryAuthError(
          `Registry ${endpoint.registry} asked for credentials to be sent over plain HTTP to ${realm.host}, which this client refuses`,
        );
      }
      headers.Authorization = basicAuthorization(
        credentials.username,
        credentials.password,
      );
    }

    let res: Response;
    try {
      // Shared by every request waiting for the token, so only the timeout
      // ends it, not one caller's signal.
      res = await this.options.fetch(realm, {
        headers,
        signal: requestSignal({
          registry: endpoint.registry,
          operation: `the token request to ${realm.host}`,
          timeoutMs: this.options.requestTimeoutMs,
        }),
      });
    } catch (e) {
      if (isAbort(e)) throw e;
      assertError(e);
      throw new RegistryUnavailableError(
        `Token service ${realm.host} of registry ${endpoint.registry} is unreachable: ${e.message}`,
        e,
      );
    }
    if (res.status === 401 || res.status === 403) {
      const { summary } = await readErrorBody(res);
      throw new RegistryAuthError(
        `Token service ${realm.host} of registry ${endpoint.registry} refused ${
          credentials ? 'the configured credentials' : 'anonymous access'
        } for repository ${repository}: HTTP ${res.status}${
          summary ? ` (${summary})` : ''
        }`,
      );
    }
    if (!res.ok) {
      throw await errorFromResponse(
        res,
        { registry: endpoint.registry, repository, operation },
        this.options.clock(),
      );
    }
    // The body holds the token: it never goes into a message.
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = await res.json();
    } catch (e) {
      if (isAbort(e)) throw e;
      body = {};
    }
    const token = body?.token ?? body?.access_token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new RegistryResponseError(
        `Token service ${realm.host} of registry ${endpoint.registry} returned no token for repository ${repository}`,
        res.status,
      );
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_LIFETIME_S;
    const cached = { token, expiresAt: this.now() + lifetime * 1000 };
    this.pruneExpired();
    this.tokens.set(tokenKey(endpoint, scope), cached);
    return cached;
  }

  private pruneExpired() {
    const now = this.now();
    for (const [key, cached] of this.tokens) {
      if (cached.expiresAt <= now) this.tokens.delete(key);
    }
  }
}

function tokenKey(endpoint: RegistryEndpoint, scope: string): string {
  return `${endpoint.origin} ${scope}`;
}

function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The credentials themselves as `Authorization`, without a token service. */
function directAuthorization(credentials: RegistryCredentials): string {
  return credentials.type === 'basic'
    ? basicAuthorization(credentials.username, credentials.password)
    : `Bearer ${credentials.token}`;
}
