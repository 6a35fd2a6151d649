import { parseRateLimitHeaders } from './parseRateLimitHeaders';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('parseRateLimitHeaders', () => {
  it("reads Docker Hub's limit and remaining with their window", () => {
    expect(
      parseRateLimitHeaders(
        headers({
          'ratelimit-limit': '100;w=21600',
          'ratelimit-remaining': '76;w=21600',
          'docker-ratelimit-source': '203.0.113.7',
        }),
      ),
    ).toEqual({ limit: 100, remaining: 76, windowMs: 21_600_000 });
  });

  it('reads the IETF draft separate fields, case-insensitively', () => {
    expect(
      parseRateLimitHeaders(
        headers({
          'RateLimit-Limit': '100',
          'RateLimit-Remaining': '0',
          'RateLimit-Reset': '30',
        }),
      ),
    ).toEqual({ limit: 100, remaining: 0, resetMs: 30_000 });
  });

  it('reads the combined RateLimit field', () => {
    expect(
      parseRateLimitHeaders(
        headers({ RateLimit: 'limit=100, remaining=50, reset=30' }),
      ),
    ).toEqual({ limit: 100, remaining: 50, resetMs: 30_000 });
  });

  it('reads the later drafts with a named policy', () => {
    expect(
      parseRateLimitHeaders(
        headers({
          RateLimit: '"default";r=5;t=12',
          'RateLimit-Policy': '"default";q=60;w=3600',
        }),
      ),
    ).toEqual({
      limit: 60,
      remaining: 5,
      resetMs: 12_000,
      windowMs: 3_600_000,
    });
  });

  it('prefers the separate fields over the combined one', () => {
    expect(
      parseRateLimitHeaders(
        headers({
          RateLimit: 'limit=10, remaining=9, reset=1',
          'RateLimit-Remaining': '3',
        }),
      ),
    ).toEqual({ limit: 10, remaining: 3, resetMs: 1000 });
  });

  it('ignores malformed values and says nothing when nothing is sent', () => {
    expect(parseRateLimitHeaders(headers({}))).toBeUndefined();
    expect(
      parseRateLimitHeaders(
        headers({
          'RateLimit-Limit': 'many',
          'RateLimit-Reset': '-5',
          RateLimit: 'remaining=lots',
        }),
      ),
    ).toBeUndefined();
  });
});
