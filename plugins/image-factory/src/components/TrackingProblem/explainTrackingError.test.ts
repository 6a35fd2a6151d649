import { explainTrackingError } from './explainTrackingError';

describe('explainTrackingError', () => {
  it('says nothing after a successful check', () => {
    expect(
      explainTrackingError({ reference: 'docker.io/library/debian:12' }),
    ).toBeUndefined();
  });

  it('calls an unreachable registry expected, naming the host', () => {
    expect(
      explainTrackingError({
        reference: 'docker.io/library/debian:bookworm-slim',
        lastError: 'RegistryUnavailableError: fetch failed (ENOTFOUND)',
      }),
    ).toEqual({
      tone: 'expected',
      summary: expect.stringMatching(/^docker.io cannot be reached/),
      detail: 'RegistryUnavailableError: fetch failed (ENOTFOUND)',
    });
  });

  it('tells a base the factory has not built yet from a wrong reference', () => {
    const lastError = 'ManifestNotFoundError: Manifest … not found: HTTP 404';
    expect(
      explainTrackingError({
        reference: 'localhost:5000/base/busybox:stable',
        builtBy: 'image:default/busybox-base',
        lastError,
      }),
    ).toMatchObject({
      tone: 'expected',
      summary: expect.stringMatching(
        /^Not pushed yet: the factory builds it as busybox-base/,
      ),
    });
    expect(
      explainTrackingError({
        reference: 'localhost:5000/base/nothing:1',
        lastError,
      }),
    ).toMatchObject({
      tone: 'error',
      summary:
        'localhost:5000 has no such repository or tag: check the reference.',
    });
  });

  it('shows an unknown error as it is', () => {
    expect(
      explainTrackingError({
        reference: 'r.example/a:1',
        lastError: 'ManifestInvalidError: bad JSON',
      }),
    ).toEqual({
      tone: 'error',
      summary: 'ManifestInvalidError: bad JSON',
      detail: 'ManifestInvalidError: bad JSON',
    });
  });
});
