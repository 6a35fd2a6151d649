import fc from 'fast-check';
import {
  formatImageRef,
  ImageRef,
  normalizeImageRef,
  parseImageRef,
  tryParseImageRef,
} from './parseImageRef';

/*
 * Generators built from the grammar in distribution/reference (regexp.go),
 * written out independently of the parser's own regular expressions.
 */
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const WORD = `${LOWER}${LOWER.toUpperCase()}${DIGITS}_`;
const HEX = '0123456789abcdef';

const chars = (alphabet: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

const alphanumeric = chars(LOWER + DIGITS, 1, 6);
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');
const pathComponent = fc
  .tuple(
    alphanumeric,
    fc.array(fc.tuple(separator, alphanumeric), { maxLength: 3 }),
  )
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
const repositoryPath = fc
  .array(pathComponent, { minLength: 1, maxLength: 4 })
  .map(parts => parts.join('/'));

const hostLabel = fc
  .tuple(
    chars(`${LOWER}${DIGITS}ABCXYZ`, 1, 4),
    fc.option(chars(`${LOWER}${DIGITS}-`, 1, 4)),
  )
  .map(([edge, middle]) =>
    middle === null ? edge : `${edge}${middle}${edge}`,
  );
const port = fc.integer({ min: 0, max: 99999 }).map(String);
const ipv6 = fc
  .array(chars(`${HEX}ABCDEF`, 1, 4), { minLength: 2, maxLength: 8 })
  .chain(groups =>
    fc
      .boolean()
      .map(compress =>
        compress
          ? `${groups[0]}::${groups.slice(1).join(':')}`
          : groups.join(':'),
      ),
  );
const withOptionalPort = (host: fc.Arbitrary<string>) =>
  fc
    .tuple(host, fc.option(port))
    .map(([h, p]) => (p === null ? h : `${h}:${p}`));

/** Registries that Docker recognises as a host, as a normalised ImageRef holds them. */
const registry = fc.oneof(
  withOptionalPort(fc.constant('localhost')),
  withOptionalPort(
    fc
      .array(hostLabel, { minLength: 2, maxLength: 4 })
      .map(labels => labels.join('.')),
  ),
  fc.tuple(hostLabel, port).map(([h, p]) => `${h}:${p}`),
  withOptionalPort(ipv6.map(address => `[${address}]`)),
  fc.constant('docker.io'),
);
const tag = fc
  .tuple(chars(WORD, 1, 1), chars(`${WORD}.-`, 0, 127))
  .map(([first, rest]) => first + rest);
const digest = fc.oneof(
  chars(HEX, 64, 64).map(hex => `sha256:${hex}`),
  chars(HEX, 96, 96).map(hex => `sha384:${hex}`),
  chars(HEX, 128, 128).map(hex => `sha512:${hex}`),
);

const normalisedRef: fc.Arbitrary<ImageRef> = fc
  .record(
    { registry, repository: repositoryPath, tag, digest },
    { requiredKeys: ['registry', 'repository'] },
  )
  .map(ref =>
    ref.registry === 'docker.io' && !ref.repository.includes('/')
      ? { ...ref, repository: `library/${ref.repository}` }
      : ref,
  )
  .filter(ref => ref.registry.length + 1 + ref.repository.length <= 255);

/** References as people write them: with or without a host, Hub shorthands included. */
const writtenRef = fc
  .tuple(
    fc.option(fc.oneof(registry, fc.constant('index.docker.io'))),
    repositoryPath,
    fc.option(tag),
    fc.option(digest),
  )
  .map(
    ([host, path, t, d]) =>
      `${host === null ? '' : `${host}/`}${path}${t === null ? '' : `:${t}`}${
        d === null ? '' : `@${d}`
      }`,
  );

describe('image reference properties', () => {
  it('parse(format(ref)) gives back a normalised ref', () => {
    fc.assert(
      fc.property(normalisedRef, ref => {
        expect(parseImageRef(formatImageRef(ref))).toEqual(ref);
      }),
      { numRuns: 500 },
    );
  });

  it('normalisation is idempotent', () => {
    fc.assert(
      fc.property(writtenRef, input => {
        const result = tryParseImageRef(input);
        fc.pre(result.ok);
        const once = normalizeImageRef(input);
        expect(normalizeImageRef(once)).toBe(once);
        expect(parseImageRef(once)).toEqual(parseImageRef(input));
      }),
      { numRuns: 500 },
    );
  });

  it('normalisation is idempotent for any string that parses', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), input => {
        fc.pre(tryParseImageRef(input).ok);
        const once = normalizeImageRef(input);
        expect(normalizeImageRef(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a repository with an uppercase letter, saying it must be lowercase', () => {
    const uppercased = fc
      .tuple(normalisedRef, fc.nat())
      .filter(([ref]) => /[a-z]/.test(ref.repository))
      .map(([ref, n]) => {
        const letters = [...ref.repository.matchAll(/[a-z]/g)];
        const at = letters[n % letters.length].index!;
        const repository =
          ref.repository.slice(0, at) +
          ref.repository[at].toUpperCase() +
          ref.repository.slice(at + 1);
        return formatImageRef({ ...ref, repository });
      });
    fc.assert(
      fc.property(uppercased, input => {
        expect(tryParseImageRef(input)).toEqual({
          ok: false,
          error: expect.stringMatching(
            /repository name '.*' must be lowercase/,
          ),
        });
      }),
    );
  });

  it('rejects a tag with a character outside [A-Za-z0-9_.-], naming the tag', () => {
    const badTag = fc
      .tuple(
        chars(WORD, 1, 10),
        chars('!#$%&*+,;=?~()[]{}<>"\'^|`', 1, 3),
        chars(WORD, 0, 10),
      )
      .map(parts => parts.join(''));
    fc.assert(
      fc.property(normalisedRef, badTag, (ref, t) => {
        const input = `${formatImageRef({
          registry: ref.registry,
          repository: ref.repository,
        })}:${t}`;
        expect(tryParseImageRef(input)).toEqual({
          ok: false,
          error: `invalid image reference '${input}': tag '${t}' must be 1-128 letters, digits, '_', '.' or '-' and not start with '.' or '-'`,
        });
      }),
    );
  });

  it('rejects a sha256 digest of the wrong length, naming the digest', () => {
    const wrongLength = fc
      .integer({ min: 1, max: 200 })
      .filter(n => n !== 64)
      .chain(n => chars(HEX, n, n));
    fc.assert(
      fc.property(normalisedRef, wrongLength, (ref, hex) => {
        const input = `${formatImageRef({
          registry: ref.registry,
          repository: ref.repository,
        })}@sha256:${hex}`;
        const result = tryParseImageRef(input);
        expect(result.ok).toBe(false);
        expect(!result.ok && result.error).toContain(
          `sha256 digest 'sha256:${hex}' must have exactly 64 lowercase hex digits`,
        );
      }),
    );
  });
});
