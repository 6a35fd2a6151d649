import { assertError } from '@backstage/errors';
import { readErrorBody, RequestContext } from './errorFromResponse';
import { RegistryAuthError, RegistryUnavailableError } from './errors';
import { RegistryAuthenticator } from './RegistryAuthenticator';
import { RegistryEndpoint } from './registryEndpoint';
import { isAbort, requestSignal } from './requestSignal';
import { discardBody } from './responseChecks';

/** One request to a registry. */
export interface RegistryRequest {
  endpoint: RegistryEndpoint;
  repository: string;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** A path on the registry (`/v2/…`), or an absolute URL from a `Location`. */
  url: string;
  /** The repository actions the request needs, for the token scope. */
  actions: 'pull' | 'pull,push' | 'pull,push,delete';
  headers?: Record<string, string>;
  body?: Uint8Array;
  context: RequestContext;
  /** The caller's signal: aborting it aborts the request with its reason. */
  signal?: AbortSignal;
}

/**
 * Sends registry requests with authentication: network failures become
 * `RegistryUnavailableError`, a 401 is answered once, a second 401 becomes
 * `RegistryAuthError`; any other response goes back to the caller. Each HTTP
 * request ends after `requestTimeoutMs` with `RegistryTimeoutError`, or
 * when the caller's signal aborts, with its reason.
 */
export class RegistryTransport {
  constructor(
    private readonly options: {
      fetch: typeof fetch;
      userAgent: string;
      authenticator: RegistryAuthenticator;
      requestTimeoutMs: number;
    },
  ) {}

  /**
   * Sends a request with what the authenticator already knows, answers one
   * 401 challenge, and returns the final response; a second 401 throws.
   */
  async send(request: RegistryRequest): Promise<Response> {
    const { endpoint, context } = request;
    request.signal?.throwIfAborted();
    const url = new URL(request.url, endpoint.origin);
    // Credentials go only to the registry's own origin, never to a Location
    // elsewhere (a storage backend).
    const sameOrigin = url.origin === endpoint.origin;
    const scope = `repository:${request.repository}:${request.actions}`;
    const first = sameOrigin
      ? await this.options.authenticator.preemptive(endpoint, scope)
      : undefined;
    const res = await this.fetchOnce(request, url, first);
    if (res.status !== 401 || !sameOrigin) return res;

    const wwwAuthenticate = res.headers.get('www-authenticate');
    await discardBody(res);
    const answer = await this.options.authenticator.answer({
      endpoint,
      repository: request.repository,
      scope,
      wwwAuthenticate,
      rejected: first,
    });
    const retried =
      answer.authorization === first
        ? res
        : await this.fetchOnce(request, url, answer.authorization);
    if (retried.status !== 401) return retried;

    const { summary } = retried === res ? {} : await readErrorBody(retried);
    throw new RegistryAuthError(
      `Registry ${context.registry} refused ${
        answer.anonymous ? 'anonymous access' : 'the configured credentials'
      } for ${context.operation} in repository ${request.repository}: HTTP 401${
        summary ? ` (${summary})` : ''
      }`,
    );
  }

  private async fetchOnce(
    request: RegistryRequest,
    url: URL,
    authorization: string | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent,
      ...request.headers,
    };
    if (authorization) headers.Authorization = authorization;
    try {
      return await this.options.fetch(url, {
        method: request.method,
        headers,
        body: request.body,
        signal: requestSignal({
          registry: request.context.registry,
          operation: request.context.operation,
          timeoutMs: this.options.requestTimeoutMs,
          signal: request.signal,
        }),
      });
    } catch (e) {
      if (isAbort(e, request.signal)) throw e;
      assertError(e);
      throw new RegistryUnavailableError(
        `Registry ${request.context.registry} is unreachable for ${
          request.context.operation
        }: ${networkReason(e)}`,
        e,
      );
    }
  }
}

/** Node's fetch says `fetch failed` and keeps the reason (`ECONNREFUSED`) in `cause`. */
function networkReason(e: Error): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `${e.message} (${cause.code})`;
  if (typeof cause?.message === 'string')
    return `${e.message} (${cause.message})`;
  return e.message;
}
