import { parseWwwAuthenticate } from './parseWwwAuthenticate';

describe('parseWwwAuthenticate', () => {
  it('reads a bearer challenge as ghcr.io and Docker Hub send it', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/app:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://ghcr.io/token',
          service: 'ghcr.io',
          scope: 'repository:org/app:pull',
        },
      },
    ]);
  });

  it('reads a basic challenge as distribution sends it', () => {
    expect(parseWwwAuthenticate('Basic realm="test"')).toEqual([
      { scheme: 'basic', params: { realm: 'test' } },
    ]);
  });

  it('splits several challenges joined by fetch, with spaces and escapes', () => {
    expect(
      parseWwwAuthenticate(
        'Basic realm="a \\"quoted\\" realm", Bearer realm = "https://auth.example/token" , service=registry.example,error="invalid_token"',
      ),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          error: 'invalid_token',
        },
      },
    ]);
  });

  it('returns nothing for an empty or unusable header', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(' , ')).toEqual([]);
  });
});
