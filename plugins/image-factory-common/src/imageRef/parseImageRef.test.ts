import {
  formatImageRef,
  ImageRef,
  normalizeImageRef,
  parseImageRef,
  tryParseImageRef,
} from './parseImageRef';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

function error(input: string): string {
  const result = tryParseImageRef(input);
  if (result.ok) {
    throw new Error(
      `expected '${input}' to be rejected, got ${formatImageRef(result.ref)}`,
    );
  }
  return result.error;
}

describe('tryParseImageRef accepts and normalises like distribution/reference', () => {
  it.each<[string, ImageRef]>([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    [
      'nginx:1.27',
      { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' },
    ],
    ['library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    [
      'index.docker.io/nginx',
      { registry: 'docker.io', repository: 'library/nginx' },
    ],
    [
      'index.docker.io/team/app',
      { registry: 'docker.io', repository: 'team/app' },
    ],
    // Docker rewrites only index.docker.io; other Hub hosts keep their name.
    [
      'registry-1.docker.io/library/nginx',
      { registry: 'registry-1.docker.io', repository: 'library/nginx' },
    ],
    ['team/app', { registry: 'docker.io', repository: 'team/app' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    [
      'localhost:5000/a/b:t',
      { registry: 'localhost:5000', repository: 'a/b', tag: 't' },
    ],
    // Without a slash, `localhost:5000` is the image `localhost` with tag `5000`.
    [
      'localhost:5000',
      { registry: 'docker.io', repository: 'library/localhost', tag: '5000' },
    ],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x' }],
    [
      '[2001:db8::1]/team/app:v1',
      { registry: '[2001:db8::1]', repository: 'team/app', tag: 'v1' },
    ],
    [
      '192.168.1.10:5000/app',
      { registry: '192.168.1.10:5000', repository: 'app' },
    ],
    [
      'example.com:8443/team/app',
      { registry: 'example.com:8443', repository: 'team/app' },
    ],
    // A registry host keeps its case; an uppercase first component is a host.
    [
      'Example.COM/team/app',
      { registry: 'Example.COM', repository: 'team/app' },
    ],
    ['Foo/bar', { registry: 'Foo', repository: 'bar' }],
    [
      'reg.io/a.b/c_d/e__f/g---h',
      { registry: 'reg.io', repository: 'a.b/c_d/e__f/g---h' },
    ],
    [
      `ghcr.io/org/app@${SHA256}`,
      { registry: 'ghcr.io', repository: 'org/app', digest: SHA256 },
    ],
    [
      `ghcr.io/org/app:1.0@${SHA256}`,
      {
        registry: 'ghcr.io',
        repository: 'org/app',
        tag: '1.0',
        digest: SHA256,
      },
    ],
    [
      `nginx@${SHA512}`,
      { registry: 'docker.io', repository: 'library/nginx', digest: SHA512 },
    ],
    [
      'nginx:_Tag.With-All_9',
      {
        registry: 'docker.io',
        repository: 'library/nginx',
        tag: '_Tag.With-All_9',
      },
    ],
    [
      `nginx:${'T'.repeat(128)}`,
      {
        registry: 'docker.io',
        repository: 'library/nginx',
        tag: 'T'.repeat(128),
      },
    ],
    // docker.io/library/ (18) + 237 = 255, the longest name Docker allows.
    [
      'a'.repeat(237),
      { registry: 'docker.io', repository: `library/${'a'.repeat(237)}` },
    ],
  ])('%s', (input, expected) => {
    expect(tryParseImageRef(input)).toEqual({ ok: true, ref: expected });
    expect(parseImageRef(input)).toEqual(expected);
  });
});

describe('tryParseImageRef rejects with a message naming the problem', () => {
  it.each<[string, string, string]>([
    ['empty', '', 'must not be empty'],
    ['leading space', ' nginx', 'leading or trailing white space'],
    ['trailing space', 'nginx ', 'leading or trailing white space'],
    ['inner space', 'ng inx', "repository path component 'ng inx'"],
    [
      'uppercase repository',
      'Nginx',
      "repository name 'Nginx' must be lowercase",
    ],
    [
      'uppercase path',
      'docker.io/Team/app',
      "repository name 'Team/app' must be lowercase",
    ],
    [
      'uppercase after host',
      'ghcr.io/org/App:1',
      "repository name 'org/App' must be lowercase",
    ],
    [
      'double slash',
      'a//b',
      "repository name 'a//b' must not have an empty path component",
    ],
    ['trailing slash', 'ghcr.io/org/', 'must not have an empty path component'],
    ['host only', 'ghcr.io/', 'repository name is missing'],
    ['tag only', ':latest', 'repository name is missing'],
    ['digest only', `@${SHA256}`, 'repository name is missing'],
    ['bad separator', 'a___b', "repository path component 'a___b'"],
    ['double dot', 'team/a..b', "repository path component 'a..b'"],
    ['trailing dash', 'team/a-', "repository path component 'a-'"],
    ['empty tag', 'nginx:', "tag ''"],
    ['tag starting with dash', 'nginx:-x', "tag '-x' must be"],
    ['tag starting with dot', 'nginx:.x', "tag '.x' must be"],
    ['tag with plus', 'nginx:a+b', "tag 'a+b' must be"],
    ['tag too long', `nginx:${'a'.repeat(129)}`, 'must be 1-128'],
    [
      'short sha256',
      'nginx@sha256:abc',
      "sha256 digest 'sha256:abc' must have exactly 64",
    ],
    [
      'long sha256',
      `nginx@${SHA256}0`,
      'must have exactly 64 lowercase hex digits',
    ],
    [
      'uppercase sha256',
      `nginx@sha256:${'A'.repeat(64)}`,
      'exactly 64 lowercase hex digits',
    ],
    ['empty sha256', 'nginx@sha256:', 'must have exactly 64'],
    [
      'unknown algorithm',
      `nginx@md5:${'a'.repeat(32)}`,
      "digest algorithm 'md5' is not supported",
    ],
    ['not a digest', 'nginx@latest', "digest 'latest' must look like"],
    ['empty digest', 'nginx@', "digest '' must look like"],
    [
      'image id',
      '0123456789abcdef'.repeat(4),
      'is an image ID, not a repository name',
    ],
    ['bad host', '-bad.example.com/x', "registry host '-bad.example.com'"],
    [
      'host with underscore',
      'my_reg.example.com/x',
      "registry host 'my_reg.example.com'",
    ],
    ['empty port', 'localhost:/x', "registry port '' must be digits"],
    ['named port', 'example.com:http/x', "registry port 'http' must be digits"],
    [
      'too long',
      `team/${'a'.repeat(241)}`,
      'must not be longer than 255 characters',
    ],
    // Docker counts the `library/` it adds, so 238 characters are one too many.
    [
      'too long once normalised',
      'a'.repeat(238),
      'must not be longer than 255 characters',
    ],
  ])('%s', (_, input, message) => {
    const why = error(input);
    expect(why).toContain(message);
    expect(() => parseImageRef(input)).toThrow(why);
  });

  it('gives the same frozen result for the same input, so that callers may share it', () => {
    const first = tryParseImageRef('ghcr.io/acme/app:1');
    expect(tryParseImageRef('ghcr.io/acme/app:1')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const ref = parseImageRef('ghcr.io/acme/app:1');
    expect(() => {
      (ref as { tag?: string }).tag = '2';
    }).toThrow(TypeError);
    expect(parseImageRef('ghcr.io/acme/app:1').tag).toBe('1');
    const bad = tryParseImageRef('Bad/Name');
    expect(tryParseImageRef('Bad/Name')).toBe(bad);
    expect(bad.ok).toBe(false);
  });

  it('quotes the input in every message', () => {
    expect(error('Nginx')).toMatch(/^invalid image reference 'Nginx': /);
  });

  it('accepts the longest repository a host allows', () => {
    expect(tryParseImageRef(`team/${'a'.repeat(240)}`).ok).toBe(true);
  });
});

describe('formatImageRef and normalizeImageRef', () => {
  it('formats registry, repository, tag and digest', () => {
    expect(
      formatImageRef({
        registry: 'ghcr.io',
        repository: 'org/app',
        tag: '1',
        digest: SHA256,
      }),
    ).toBe(`ghcr.io/org/app:1@${SHA256}`);
    expect(
      formatImageRef({ registry: 'localhost:5000', repository: 'a' }),
    ).toBe('localhost:5000/a');
  });

  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['index.docker.io/nginx:1', 'docker.io/library/nginx:1'],
    [`team/app@${SHA256}`, `docker.io/team/app@${SHA256}`],
    ['localhost:5000/a/b:t', 'localhost:5000/a/b:t'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeImageRef(input)).toBe(expected);
  });

  it('throws on a malformed reference', () => {
    expect(() => normalizeImageRef('a//b')).toThrow(
      "invalid image reference 'a//b'",
    );
  });
});
