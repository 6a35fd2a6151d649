import { errorFromResponse, parseRetryAfter } from './errorFromResponse';
import {
  ManifestInvalidError,
  ManifestNotFoundError,
  RegistryAuthError,
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryUnavailableError,
} from './errors';

const now = new Date('2026-11-23T10:00:00Z');
const context = {
  registry: 'ghcr.io',
  repository: 'org/app',
  operation: 'PUT manifest ghcr.io/org/app:1',
  manifestReference: 'ghcr.io/org/app:1',
};

function response(status: number, body?: unknown, headers?: HeadersInit) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers,
  });
}

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('errorFromResponse', () => {
  it('classifies statuses and error codes', async () => {
    const cases: Array<
      [
        Response,
        typeof context | Omit<typeof context, 'manifestReference'>,
        Function,
        boolean,
      ]
    > = [
      [response(401), context, RegistryAuthError, false],
      [response(403), context, RegistryAuthError, false],
      [response(404), context, ManifestNotFoundError, false],
      [
        response(404, {
          errors: [
            { code: 'NAME_UNKNOWN', message: 'repository name not known' },
          ],
        }),
        { ...context, manifestReference: undefined },
        ManifestNotFoundError,
        false,
      ],
      [
        response(400, { errors: [{ code: 'MANIFEST_INVALID' }] }),
        context,
        ManifestInvalidError,
        false,
      ],
      [
        response(400, { errors: [{ code: 'DIGEST_INVALID' }] }),
        { ...context, manifestReference: undefined },
        RegistryResponseError,
        false,
      ],
      [response(429), context, RegistryRateLimitError, true],
      [response(500), context, RegistryUnavailableError, true],
      [response(502, 'not json'), context, RegistryUnavailableError, true],
      [
        response(405),
        { ...context, manifestReference: undefined },
        RegistryResponseError,
        false,
      ],
    ];
    for (const [res, ctx, type, transient] of cases) {
      const error = await errorFromResponse(res, ctx, now);
      expect(error).toBeInstanceOf(type);
      expect(error.transient).toBe(transient);
    }
  });

  it('puts the codes and messages of the error body into the message', async () => {
    const error = await errorFromResponse(
      response(400, {
        errors: [
          {
            code: 'MANIFEST_INVALID',
            message: 'manifest invalid',
            detail: { secret: 'x' },
          },
          { code: 'TAG_INVALID', message: 'manifest tag did not match URI' },
        ],
      }),
      context,
      now,
    );
    expect(error.message).toBe(
      'Registry ghcr.io rejected PUT manifest ghcr.io/org/app:1: HTTP 400 (MANIFEST_INVALID: manifest invalid; TAG_INVALID: manifest tag did not match URI)',
    );
  });

  it('carries Retry-After on a rate limit', async () => {
    const error = await errorFromResponse(
      response(429, undefined, { 'Retry-After': '12' }),
      context,
      now,
    );
    expect(error).toMatchObject({ retryAfterMs: 12_000 });
    expect(error.message).toContain('retry after 12 s');
  });

  it('keeps the rate-limit headers of a 429 and waits for their reset without Retry-After', async () => {
    const error = await errorFromResponse(
      response(429, undefined, {
        'RateLimit-Limit': '100',
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': '30',
      }),
      context,
      now,
    );
    expect(error).toMatchObject({
      retryAfterMs: 30_000,
      rateLimit: { limit: 100, remaining: 0, resetMs: 30_000 },
    });
  });
});
