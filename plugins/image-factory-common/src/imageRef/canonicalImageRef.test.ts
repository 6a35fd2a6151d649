import { canonicalImageRef, canonicalizeImageRef } from './canonicalImageRef';

const DIGEST =
  'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

describe('canonicalImageRef is ParseDockerRef', () => {
  // TestParseDockerRef in distribution/reference, normalize_test.go.
  it.each([
    ['nothing', 'busybox', 'docker.io/library/busybox:latest'],
    ['tag only', 'busybox:latest', 'docker.io/library/busybox:latest'],
    ['digest only', `busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`],
    ['path only', 'library/busybox', 'docker.io/library/busybox:latest'],
    ['hostname only', 'docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['no tag', 'docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['no path', 'docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
    [
      'no hostname',
      'library/busybox:latest',
      'docker.io/library/busybox:latest',
    ],
    [
      'full reference with tag',
      'docker.io/library/busybox:latest',
      'docker.io/library/busybox:latest',
    ],
    [
      'gcr reference without tag',
      'gcr.io/library/busybox',
      'gcr.io/library/busybox:latest',
    ],
    [
      'both tag and digest',
      `gcr.io/library/busybox:latest@${DIGEST}`,
      `gcr.io/library/busybox@${DIGEST}`,
    ],
  ])('%s: %s → %s', (_name, input, expected) => {
    expect(canonicalImageRef(input)).toBe(expected);
    // The canonical form is its own canonical form.
    expect(canonicalImageRef(expected)).toBe(expected);
  });

  // The legacy Docker Index host and the other spellings of
  // TestParseRepositoryInfo (FamiliarName, FullName, AmbiguousName).
  it.each([
    ['ubuntu', 'docker.io/library/ubuntu:latest'],
    ['library/ubuntu', 'docker.io/library/ubuntu:latest'],
    ['docker.io/library/ubuntu:latest', 'docker.io/library/ubuntu:latest'],
    [
      'index.docker.io/library/ubuntu:latest',
      'docker.io/library/ubuntu:latest',
    ],
    ['index.docker.io/fooo/bar', 'docker.io/fooo/bar:latest'],
    ['docker.io/foo', 'docker.io/library/foo:latest'],
    ['library/foo/bar', 'docker.io/library/foo/bar:latest'],
    ['127.0.0.1:8000/privatebase', '127.0.0.1:8000/privatebase:latest'],
    [
      'example.com:8000/private/moonbase',
      'example.com:8000/private/moonbase:latest',
    ],
    ['localhost/app:1', 'localhost/app:1'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalImageRef(input)).toBe(expected);
  });

  it('keeps distinct images distinct', () => {
    const keys = new Set(
      [
        'ubuntu',
        'ubuntu:22.04',
        'nonlibrary/ubuntu',
        'ghcr.io/library/ubuntu',
        `ubuntu@${DIGEST}`,
      ].map(canonicalImageRef),
    );
    expect(keys.size).toBe(5);
  });

  it('throws on what Docker refuses, with the parser message', () => {
    expect(() => canonicalImageRef('Ubuntu')).toThrow(
      "invalid image reference 'Ubuntu': repository name 'Ubuntu' must be lowercase",
    );
  });

  it('canonicalizes a parsed reference', () => {
    expect(
      canonicalizeImageRef({
        registry: 'docker.io',
        repository: 'library/busybox',
        tag: '1',
        digest: DIGEST,
      }),
    ).toEqual({
      registry: 'docker.io',
      repository: 'library/busybox',
      digest: DIGEST,
    });
  });
});
