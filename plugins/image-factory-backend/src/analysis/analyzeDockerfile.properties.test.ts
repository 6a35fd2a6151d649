import fc from 'fast-check';
import { normalizeImageRef } from '@image-factory/plugin-image-factory-common';
import { analyzeDockerfile } from './analyzeDockerfile';

/*
 * Generated multi-stage Dockerfiles, checked against a small model of Docker's
 * rules: global ARGs (with defaults, overridden by build args) substitute into
 * FROM lines; a FROM naming an earlier stage is not an image; scratch is none.
 */

const IMAGES = [
  'alpine',
  'debian',
  'node',
  'ghcr.io/org/tool',
  'localhost:5000/base/busybox',
];
const TAGS = ['1', '3.20', 'latest', 'bookworm-slim'];

type From =
  | { type: 'image'; image: number; tag: number; viaArg: boolean }
  | { type: 'stage'; stage: number }
  | { type: 'scratch' };

const fromArb: fc.Arbitrary<From> = fc.oneof(
  fc.record({
    type: fc.constant('image' as const),
    image: fc.nat(IMAGES.length - 1),
    tag: fc.nat(TAGS.length - 1),
    viaArg: fc.boolean(),
  }),
  fc.record({ type: fc.constant('stage' as const), stage: fc.nat(10) }),
  fc.constant({ type: 'scratch' as const }),
);

const scenario = fc.record({
  stages: fc.array(
    fc.record({
      from: fromArb,
      copyFrom: fc.option(fromArb, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  // Build args override some tag ARG defaults.
  overrides: fc.dictionary(
    fc.constantFrom('TAG0', 'TAG1', 'TAG2', 'TAG3'),
    fc.constantFrom(...TAGS),
  ),
  aliasCase: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function render(s: Scenario) {
  const lines = TAGS.map((tag, i) => `ARG TAG${i}=${tag}`);
  const expected: string[] = [];
  const add = (ref: string) => {
    const normalized = normalizeImageRef(ref);
    if (!expected.includes(normalized)) expected.push(normalized);
  };
  const stageNames: string[] = [];
  const imageWord = (f: Extract<From, { type: 'image' }>) => {
    const tagValue = s.overrides[`TAG${f.tag}`] ?? TAGS[f.tag];
    add(`${IMAGES[f.image]}:${tagValue}`);
    return f.viaArg
      ? `${IMAGES[f.image]}:\${TAG${f.tag}}`
      : `${IMAGES[f.image]}:${tagValue}`;
  };
  const word = (f: From, forCopy: boolean): string | undefined => {
    if (f.type === 'image') return imageWord(f);
    if (f.type === 'stage' && f.stage < stageNames.length) {
      const name = stageNames[f.stage];
      return s.aliasCase ? name.toUpperCase() : name;
    }
    if (f.type === 'scratch' && !forCopy) return 'scratch';
    return undefined;
  };
  s.stages.forEach((stage, i) => {
    const from = word(stage.from, false) ?? 'scratch';
    lines.push(`FROM ${from} AS stage${i}`);
    if (stage.copyFrom) {
      // BuildKit does not expand variables in COPY --from: tags are written out literally.
      const f = stage.copyFrom;
      const w =
        f.type === 'image'
          ? word({ ...f, viaArg: false }, true)
          : word(f, true);
      if (w) lines.push(`COPY --from=${w} /src /dst`);
    }
    lines.push(`RUN echo stage ${i}`);
    stageNames.push(`stage${i}`);
  });
  return { text: `${lines.join('\n')}\n`, expected, stageNames };
}

/** Ways of writing the same Dockerfile that BuildKit reads alike. */
const styleArb = fc.record({
  quote: fc.constantFrom('none', 'double', 'single'),
  breakAfterKeyword: fc.boolean(),
  // What comes between a continued line and the next: nothing, an empty line, comments.
  between: fc.constantFrom(
    [] as string[],
    [''],
    ['# a comment'],
    ['    # an indented comment', ''],
  ),
  flagSeparator: fc.constantFrom(' ', '\t', ' \t  '),
  chownFirst: fc.boolean(),
  backtick: fc.boolean(),
  lowercase: fc.boolean(),
});
type Style = typeof styleArb extends fc.Arbitrary<infer T> ? T : never;
const PLAIN: Style = {
  quote: 'none',
  breakAfterKeyword: false,
  between: [],
  flagSeparator: ' ',
  chownFirst: false,
  backtick: false,
  lowercase: false,
};

/** The scenario in a given style, with COPY --from and RUN --mount from= for each copy source. */
function renderStyled(s: Scenario, style: Style): string {
  const escape = style.backtick ? '`' : '\\';
  const out: string[] = style.backtick ? ['# escape=`'] : [];
  const instruction = (keyword: string, rest: string) => {
    const kw = style.lowercase ? keyword.toLowerCase() : keyword;
    if (style.breakAfterKeyword) {
      out.push(`${kw}${escape}`, ...style.between, `    ${rest}`);
    } else {
      out.push(`${kw} ${rest}`);
    }
  };
  const quotes = { none: '', double: '"', single: "'" };
  const quoted = (v: string) =>
    `${quotes[style.quote]}${v}${quotes[style.quote]}`;
  TAGS.forEach((tag, i) => instruction('ARG', `TAG${i}=${quoted(tag)}`));
  const stageNames: string[] = [];
  const word = (f: From, forCopy: boolean): string | undefined => {
    if (f.type === 'image') {
      const tag = s.overrides[`TAG${f.tag}`] ?? TAGS[f.tag];
      return f.viaArg && !forCopy
        ? `${IMAGES[f.image]}:\${TAG${f.tag}}`
        : `${IMAGES[f.image]}:${tag}`;
    }
    if (f.type === 'stage' && f.stage < stageNames.length) {
      const name = stageNames[f.stage];
      return s.aliasCase ? name.toUpperCase() : name;
    }
    if (f.type === 'scratch' && !forCopy) return 'scratch';
    return undefined;
  };
  s.stages.forEach((stage, i) => {
    instruction('FROM', `${word(stage.from, false) ?? 'scratch'} AS stage${i}`);
    const source = stage.copyFrom && word(stage.copyFrom, true);
    if (source) {
      const flags = [`--from=${source}`, '--chown=1:1'];
      if (style.chownFirst) flags.reverse();
      instruction('COPY', `${flags.join(style.flagSeparator)} /src /dst`);
      const mounts = [
        '--mount=type=cache,target=/cache',
        `--mount=type=bind,from=${source},target=/m`,
      ];
      if (style.chownFirst) mounts.reverse();
      instruction('RUN', `${mounts.join(style.flagSeparator)} true`);
    }
    stageNames.push(`stage${i}`);
  });
  return `${out.join('\n')}\n`;
}

describe('analyzeDockerfile properties', () => {
  it('reads quoting, continuation, flag-order and escape variations of one Dockerfile alike', () => {
    const summary = (text: string, overrides: Record<string, string>) => {
      const analysis = analyzeDockerfile(text, { buildArgs: overrides });
      expect(analysis.errors).toEqual([]);
      return analysis.bases.map(b => ({
        reference: b.reference,
        usages: b.usages.map(u => `${u.kind} ${u.stage}`),
      }));
    };
    fc.assert(
      fc.property(scenario, styleArb, (s, style) => {
        const plain = summary(renderStyled(s, PLAIN), s.overrides);
        expect(plain.map(b => b.reference)).toEqual(render(s).expected);
        expect(summary(renderStyled(s, style), s.overrides)).toEqual(plain);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every external image exactly once, and never a stage', () => {
    fc.assert(
      fc.property(scenario, s => {
        const { text, expected, stageNames } = render(s);
        const analysis = analyzeDockerfile(text, { buildArgs: s.overrides });
        const found = analysis.bases.map(b => b.reference);
        expect(found).toEqual(expected);
        for (const ref of found) {
          expect(
            stageNames.some(n => ref.toLowerCase().endsWith(`/${n}`)),
          ).toBe(false);
        }
        expect(analysis.errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('substitutes ARGs as Docker does: build arg, else default', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TAGS),
        fc.option(fc.constantFrom(...TAGS), { nil: undefined }),
        fc.constantFrom('${T}', '$T', '${T:-fallback}'),
        (defaultTag, override, form) => {
          const text = `ARG T=${defaultTag}\nFROM alpine:${form}\n`;
          const analysis = analyzeDockerfile(text, {
            buildArgs: override ? { T: override } : {},
          });
          expect(analysis.bases.map(b => b.reference)).toEqual([
            `docker.io/library/alpine:${override ?? defaultTag}`,
          ]);
        },
      ),
    );
  });
});
