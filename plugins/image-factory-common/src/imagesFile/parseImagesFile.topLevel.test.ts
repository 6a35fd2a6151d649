import { parseImagesFile } from './parseImagesFile';

const ENTRY = `  - name: alpine
    type: external
    owner: platform-team
    reference: alpine:3.20
`;

describe('parseImagesFile on the file as a whole', () => {
  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing yet\n'],
    ['an empty document', '---\n'],
    [
      'images without entries',
      'apiVersion: imagefactory.dev/v1alpha1\nimages:\n',
    ],
    ['an empty list', 'images: []\n'],
  ])('reads %s as no images and no issues', (_, text) => {
    expect(parseImagesFile(text)).toEqual({
      images: [],
      entryIndexes: [],
      issues: [],
      fatal: false,
    });
  });

  it('reads a file without apiVersion', () => {
    const result = parseImagesFile(`images:\n${ENTRY}`);
    expect(result.issues).toEqual([]);
    expect(result.images.map(i => i.name)).toEqual(['alpine']);
  });

  it('reports an unknown top-level field and keeps the entries', () => {
    const result = parseImagesFile(`imagez: []\nimages:\n${ENTRY}`);
    expect(result.issues).toEqual([
      { path: 'imagez', message: 'is not a known field' },
    ]);
    expect(result.images.map(i => i.name)).toEqual(['alpine']);
    expect(result.fatal).toBe(false);
  });

  it('reports a wrong apiVersion, naming the value, and keeps the entries', () => {
    const result = parseImagesFile(
      `apiVersion: imagefactory.dev/v2\nimages:\n${ENTRY}`,
    );
    expect(result.issues).toEqual([
      {
        path: 'apiVersion',
        message: `must be 'imagefactory.dev/v1alpha1', not "imagefactory.dev/v2"`,
      },
    ]);
    expect(result.images).toHaveLength(1);
  });

  it('gives the line of each entry', () => {
    const text = [
      'apiVersion: imagefactory.dev/v1alpha1', // 1
      'images:', // 2
      '  # the first one', // 3
      '  - name: one', // 4
      '    type: nonsense', // 5
      '', // 6
      '  - type: external', // 7
      '    name: two', // 8
      '    owner: "x y"', // 9
      '    reference: alpine', // 10
      '  -', // 11
      '    name: three', // 12
      '    colour: red', // 13
    ].join('\n');
    const lines = parseImagesFile(text).issues.map(i => `${i.path} ${i.line}`);
    expect(lines.sort()).toEqual([
      'images[0].owner 4',
      'images[0].reference 4',
      'images[0].type 4',
      'images[1].owner 7',
      'images[2].colour 12',
      'images[2].owner 12',
      'images[2].reference 12',
      'images[2].type 12',
    ]);
  });
});

describe('parseImagesFile on an unreadable file', () => {
  it.each([
    [
      'a nested compact mapping',
      `images:\n${ENTRY}  - name: b\n    type: base: extra\n`,
      7,
    ],
    ['a tab as indentation', `images:\n${ENTRY}\tname: b\n`, 6],
  ])(
    'reports a YAML syntax error (%s) with its line, as fatal',
    (_, text, line) => {
      const result = parseImagesFile(text);
      expect(result.fatal).toBe(true);
      expect(result.images).toEqual([]);
      expect(result.issues).toEqual([
        {
          path: '(file)',
          message: expect.stringMatching(/^invalid YAML: /),
          line,
        },
      ]);
    },
  );

  it('reports a key written twice, with its line, as fatal', () => {
    const text = `images:\n  - name: a\n    name: b\n`;
    const result = parseImagesFile(text);
    expect(result.fatal).toBe(true);
    expect(result.issues).toEqual([
      { path: '(file)', message: expect.stringContaining('unique'), line: 3 },
    ]);
  });

  it.each([
    ['a list', '- name: alpine\n'],
    ['a string', 'just some text\n'],
    ['a number', '42\n'],
  ])('reports a top level that is %s, as fatal', (_, text) => {
    expect(parseImagesFile(text)).toEqual({
      images: [],
      entryIndexes: [],
      fatal: true,
      issues: [
        { path: '(file)', message: "must be a mapping with an 'images' list" },
      ],
    });
  });

  it('reports images that is not a list, as fatal', () => {
    const result = parseImagesFile('images:\n  alpine: {}\n');
    expect(result.fatal).toBe(true);
    expect(result.issues).toEqual([
      { path: 'images', message: 'must be a list of image entries' },
    ]);
  });

  it('survives aliases that would expand without bound ("billion laughs")', () => {
    // The entry whose aliases expand too far is refused on its own, without
    // echoing its value; top-level keys are refused by name, never expanded.
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(
        `${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`,
      );
    }
    const bomb = `${levels.join(
      '\n',
    )}\nimages:\n  - name: x\n    type: external\n    owner: o\n    reference: x\n    tags: *h\n`;
    const result = parseImagesFile(bomb);
    expect(result.images).toEqual([]);
    expect(result.issues.map(i => i.path)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'images[0]',
    ]);
    expect(JSON.stringify(result.issues).length).toBeLessThan(2_000);
  });
});
