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
      // COPY --from sees stage ARGs only, so tags are written out literally here.
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

describe('analyzeDockerfile properties', () => {
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
