import { readFileSync } from 'fs';
import path from 'path';
import fc from 'fast-check';
import {
  ImageEntryInput,
  parseImagesFile,
} from '@image-factory/plugin-image-factory-common';
import {
  addImageEntry,
  changeImageEntry,
  findImageEntry,
  ImagesYamlEditError,
  removeImageEntry,
} from './imagesYamlEdits';

// A file with comments, blank lines and every kind of entry; a copy, so that
// the examples can change without changing what these tests check.
const EXAMPLE = readFileSync(
  path.resolve(__dirname, '__fixtures__/commented-images.yaml'),
  'utf8',
);

const NEW_ENTRY: ImageEntryInput = {
  name: 'node-runtime',
  type: 'managed',
  owner: 'group:default/team-web',
  title: 'Node runtime',
  reference: 'localhost:5000/runtimes/node:22',
  platforms: ['linux/amd64', 'linux/arm64'],
  source: {
    repo: 'image-factory/examples',
    dockerfile: 'dockerfiles/node-runtime/Dockerfile',
  },
  rebuild: { delay: '1h' },
};

const NEW_ENTRY_TEXT = [
  '  - name: node-runtime',
  '    type: managed',
  '    owner: group:default/team-web',
  '    title: Node runtime',
  '    reference: localhost:5000/runtimes/node:22',
  '    platforms: [linux/amd64, linux/arm64]',
  '    source:',
  '      repo: image-factory/examples',
  '      dockerfile: dockerfiles/node-runtime/Dockerfile',
  '    rebuild:',
  '      delay: 1h',
  '',
].join('\n');

function expectValid(text: string, names: string[]) {
  const parsed = parseImagesFile(text);
  expect(parsed.issues).toEqual([]);
  expect(parsed.fatal).toBe(false);
  expect(parsed.images.map(i => i.name)).toEqual(names);
}

function editError(fn: () => unknown): ImagesYamlEditError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImagesYamlEditError);
    return e as ImagesYamlEditError;
  }
  throw new Error('expected an ImagesYamlEditError');
}

const EXAMPLE_NAMES = [
  'debian-bookworm',
  'busybox-base',
  'hello-web',
  'python-runtime',
];

describe('addImageEntry', () => {
  it('appends the entry after the last one, leaving the file as it was', () => {
    const result = addImageEntry(EXAMPLE, NEW_ENTRY);
    expect(result).toBe(`${EXAMPLE}\n${NEW_ENTRY_TEXT}`);
    expectValid(result, [...EXAMPLE_NAMES, 'node-runtime']);
  });

  it('writes only the given fields, in file order', () => {
    const result = addImageEntry(EXAMPLE, {
      reference: 'docker.io/library/alpine:3.20',
      owner: 'platform-team',
      type: 'external',
      name: 'alpine',
      description: undefined,
    });
    expect(result.slice(EXAMPLE.length)).toBe(
      [
        '',
        '  - name: alpine',
        '    type: external',
        '    owner: platform-team',
        '    reference: docker.io/library/alpine:3.20',
        '',
      ].join('\n'),
    );
    expect(findImageEntry(result, 'alpine')).toEqual({
      name: 'alpine',
      type: 'external',
      owner: 'platform-team',
      reference: 'docker.io/library/alpine:3.20',
    });
  });

  it('quotes values that YAML would read as something else', () => {
    const result = addImageEntry(EXAMPLE, {
      ...NEW_ENTRY,
      title: 'yes',
      description: 'a: b # not a comment',
      buildArgs: { VERSION: '22', DEBUG: 'true' },
      rebuild: { auto: false, delay: '1h', coalesceWindow: '30m' },
      stages: ['dev', 'prod'],
    });
    expect(findImageEntry(result, 'node-runtime')).toMatchObject({
      title: 'yes',
      description: 'a: b # not a comment',
      buildArgs: { VERSION: '22', DEBUG: 'true' },
      rebuild: { auto: false, delay: '1h', coalesceWindow: '30m' },
      stages: ['dev', 'prod'],
    });
    expect(result).toContain('    stages: [dev, prod]\n');
    expectValid(result, [...EXAMPLE_NAMES, 'node-runtime']);
  });

  it('refuses a name that is already enrolled', () => {
    const error = editError(() =>
      addImageEntry(EXAMPLE, { ...NEW_ENTRY, name: 'hello-web' }),
    );
    expect(error.reason).toBe('already-exists');
    expect(error.field).toBe('images[2].name');
    expect(error.message).toBe(
      "images[2].name: an image named 'hello-web' already exists",
    );
  });

  it('creates the images list in a file that has none', () => {
    const text = '# header\napiVersion: imagefactory.dev/v1alpha1\n';
    const result = addImageEntry(text, NEW_ENTRY);
    expect(result).toBe(`${text}images:\n${NEW_ENTRY_TEXT}`);
    expectValid(result, ['node-runtime']);
  });

  it('creates the images list in a file without a final line end', () => {
    const text = 'apiVersion: imagefactory.dev/v1alpha1';
    expect(addImageEntry(text, NEW_ENTRY)).toBe(
      `${text}\nimages:\n${NEW_ENTRY_TEXT}`,
    );
  });

  it.each(['', '# nothing yet\n'])('fills an empty file (%j)', text => {
    const result = addImageEntry(text, NEW_ENTRY);
    expect(result).toBe(`${text}images:\n${NEW_ENTRY_TEXT}`);
    expectValid(result, ['node-runtime']);
  });

  it.each([
    ['images:\n', 'images:\n'],
    ['images: # none yet\n', 'images: # none yet\n'],
    ['images: []\n', 'images:\n'],
    [
      'images: ~ # none\napiVersion: imagefactory.dev/v1alpha1\n',
      'images: # none\n',
    ],
  ])('fills an empty list (%j)', (text, head) => {
    const result = addImageEntry(text, NEW_ENTRY);
    expect(result.slice(0, head.length + NEW_ENTRY_TEXT.length)).toBe(
      `${head}${NEW_ENTRY_TEXT}`,
    );
    expectValid(result, ['node-runtime']);
  });

  it('keeps CRLF line ends', () => {
    const crlf = EXAMPLE.replace(/\n/g, '\r\n');
    const result = addImageEntry(crlf, NEW_ENTRY);
    expect(result).toBe(`${crlf}\r\n${NEW_ENTRY_TEXT.replace(/\n/g, '\r\n')}`);
  });

  it('follows the indentation of the existing list', () => {
    const text = [
      'images:',
      '- name: a',
      '  type: external',
      '  owner: x',
      '  reference: docker.io/library/a:1',
      '  stages:',
      '  - dev',
      '',
    ].join('\n');
    const result = addImageEntry(text, {
      name: 'b',
      type: 'external',
      owner: 'x',
      reference: 'docker.io/library/b:1',
    });
    expect(result).toBe(
      `${text}\n- name: b\n  type: external\n  owner: x\n  reference: docker.io/library/b:1\n`,
    );
  });

  it('appends after the last entry in a file without a final line end', () => {
    const text = EXAMPLE.replace(/\n$/, '');
    const result = addImageEntry(text, NEW_ENTRY);
    expect(result).toBe(`${text}\n\n${NEW_ENTRY_TEXT.replace(/\n$/, '')}`);
  });

  it('keeps comments that follow the last entry after it', () => {
    const text = `${EXAMPLE}# end of the list\n`;
    const result = addImageEntry(text, NEW_ENTRY);
    expect(result).toBe(`${EXAMPLE}\n${NEW_ENTRY_TEXT}# end of the list\n`);
  });

  it.each([
    ['images: [a\n', '(file)', /^\(file\): invalid YAML: /],
    ['- a\n- b\n', '(file)', /must be a mapping with an 'images' list/],
    ['images: nope\n', 'images', /^images: must be a list of image entries$/],
    ['images: {a: 1}\n', 'images', /must be a list/],
    ['a: 1\na: 2\n', '(file)', /invalid YAML/],
  ])(
    'refuses a file that is not an images file (%j)',
    (text, field, message) => {
      const error = editError(() => addImageEntry(text, NEW_ENTRY));
      expect(error.reason).toBe('invalid-file');
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
    },
  );

  it('adds to a list written in flow style, keeping its comments', () => {
    const text =
      '# header\nimages: [{name: a, type: external, owner: x, reference: a}] # the list\n';
    const result = addImageEntry(text, NEW_ENTRY);
    expect(result).toMatch(
      /^# header\nimages: \[\{name: a, .*\] # the list\n$/,
    );
    expect(findImageEntry(result, 'node-runtime')).toEqual(NEW_ENTRY);
    expectValid(result, ['a', 'node-runtime']);
  });

  it('adding then removing an entry gives back the original text', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
    const entry = fc.record(
      {
        name: name.filter(n => !EXAMPLE_NAMES.includes(n)),
        type: fc.constantFrom('managed', 'base', 'external' as const),
        owner: fc.constantFrom('platform-team', 'group:default/web'),
        title: fc.string({ minLength: 1 }),
        description: fc.string(),
        reference: fc.constant('localhost:5000/x/y:1'),
        platforms: fc.subarray(['linux/amd64', 'linux/arm64', 'linux/s390x'], {
          minLength: 1,
        }),
        buildArgs: fc.dictionary(
          fc.stringMatching(/^[A-Z_]{1,8}$/),
          fc.string(),
        ),
        stages: fc.array(name, { maxLength: 4 }),
      },
      { requiredKeys: ['name', 'type', 'owner', 'reference'] },
    );
    const files = fc.constantFrom(
      EXAMPLE,
      EXAMPLE.replace(/\n/g, '\r\n'),
      EXAMPLE.replace(/\n$/, ''),
      `${EXAMPLE}\n# trailing comment\n`,
    );
    fc.assert(
      fc.property(files, entry, (text, e) => {
        const added = addImageEntry(text, e as ImageEntryInput);
        expect(findImageEntry(added, e.name)).toEqual(
          JSON.parse(JSON.stringify(e)),
        );
        expect(removeImageEntry(added, e.name)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('removeImageEntry', () => {
  const lines = EXAMPLE.split('\n');
  const without = (from: number, to: number) =>
    [...lines.slice(0, from), ...lines.slice(to)].join('\n');
  const lineOf = (prefix: string) => lines.findIndex(l => l.startsWith(prefix));

  it('removes the first entry with its comment and the blank line after it', () => {
    const result = removeImageEntry(EXAMPLE, 'debian-bookworm');
    expect(result).toBe(
      without(lineOf('  # Used as is'), lineOf('  # A base image')),
    );
    expectValid(result, ['busybox-base', 'hello-web', 'python-runtime']);
  });

  it('removes an entry in the middle with its comment', () => {
    const result = removeImageEntry(EXAMPLE, 'busybox-base');
    expect(result).toBe(
      without(lineOf('  # A base image'), lineOf('  # Application images')),
    );
    expect(result).toContain('  # Used as is');
    expect(result).toContain('  # Application images');
    expectValid(result, ['debian-bookworm', 'hello-web', 'python-runtime']);
  });

  it('removes the last entry and the blank line before it', () => {
    const result = removeImageEntry(EXAMPLE, 'python-runtime');
    expect(result).toBe(
      without(lineOf('  - name: python-runtime') - 1, lines.length - 1),
    );
    expectValid(result, ['debian-bookworm', 'busybox-base', 'hello-web']);
  });

  it('leaves an empty list when the only entry goes', () => {
    const text = addImageEntry(
      'apiVersion: imagefactory.dev/v1alpha1\n',
      NEW_ENTRY,
    );
    const result = removeImageEntry(text, 'node-runtime');
    expect(result).toBe('apiVersion: imagefactory.dev/v1alpha1\nimages:\n');
    expectValid(result, []);
  });

  it('keeps CRLF line ends', () => {
    const crlf = EXAMPLE.replace(/\n/g, '\r\n');
    expect(removeImageEntry(crlf, 'hello-web')).toBe(
      removeImageEntry(EXAMPLE, 'hello-web').replace(/\n/g, '\r\n'),
    );
  });

  it('refuses a name that is not there', () => {
    const error = editError(() => removeImageEntry(EXAMPLE, 'nope'));
    expect(error.reason).toBe('not-found');
    expect(error.message).toBe("name: no image named 'nope' in images.yaml");
  });

  it('removes an entry the file lists twice', () => {
    const twice = `${EXAMPLE}\n  - name: hello-web\n    type: external\n`;
    const result = removeImageEntry(twice, 'hello-web');
    expect(findImageEntry(result, 'hello-web')).toBeUndefined();
    expectValid(result, ['debian-bookworm', 'busybox-base', 'python-runtime']);
  });
});

describe('changeImageEntry', () => {
  it('changes a scalar and leaves every other line as it was', () => {
    const result = changeImageEntry(EXAMPLE, 'hello-web', {
      owner: 'platform-team',
    });
    expect(result).toBe(
      EXAMPLE.replace('    owner: team-web\n', '    owner: platform-team\n'),
    );
  });

  it.each(EXAMPLE_NAMES)(
    'writes an unchanged entry back byte for byte (%s)',
    name => {
      const entry = findImageEntry(EXAMPLE, name)!;
      expect(
        changeImageEntry(EXAMPLE, name, { reference: entry.reference }),
      ).toBe(EXAMPLE);
      expect(
        changeImageEntry(EXAMPLE, name, { title: 'Changed' }).replace(
          /title: Changed/,
          `title: ${entry.title}`,
        ),
      ).toBe(EXAMPLE);
    },
  );

  it('removes source when the image becomes external', () => {
    const result = changeImageEntry(EXAMPLE, 'busybox-base', {
      type: 'external',
      source: null,
    });
    expect(result).toBe(
      EXAMPLE.replace(
        [
          '    type: base',
          '    owner: platform-team',
          '    title: BusyBox base',
          '    description: Minimal static BusyBox base for small services.',
          '    reference: localhost:5000/base/busybox:stable',
          '    platforms: [linux/amd64, linux/arm64, linux/s390x]',
          '    source:',
          '      provider: github',
          '      repo: image-factory/examples',
          '      branch: main',
          '      dockerfile: dockerfiles/busybox-base/Dockerfile',
          '      context: dockerfiles/busybox-base',
          '',
        ].join('\n'),
        [
          '    type: external',
          '    owner: platform-team',
          '    title: BusyBox base',
          '    description: Minimal static BusyBox base for small services.',
          '    reference: localhost:5000/base/busybox:stable',
          '    platforms: [linux/amd64, linux/arm64, linux/s390x]',
          '',
        ].join('\n'),
      ),
    );
    expectValid(result, EXAMPLE_NAMES);
  });

  it('sets lists, mappings and new fields in file order', () => {
    const result = changeImageEntry(EXAMPLE, 'python-runtime', {
      platforms: ['linux/amd64'],
      rebuild: { auto: false, delay: '2d' },
      buildArgs: { PYTHON_VERSION: '3.12' },
      tags: ['python'],
      description: null,
    });
    const tail = result.slice(result.indexOf('  - name: python-runtime'));
    expect(tail).toBe(
      [
        '  - name: python-runtime',
        '    type: managed',
        '    owner: platform-team',
        '    title: Python runtime',
        '    reference: localhost:5000/runtimes/python:3.11',
        '    platforms: [linux/amd64]',
        '    source:',
        '      provider: github',
        '      repo: image-factory/examples',
        '      dockerfile: dockerfiles/python-runtime/Dockerfile',
        '      context: dockerfiles/python-runtime',
        '    buildArgs:',
        '      PYTHON_VERSION: "3.12"',
        '    rebuild:',
        '      auto: false',
        '      delay: 2d',
        '    stages: [dev, prod]',
        '    tags: [python]',
        '',
      ].join('\n'),
    );
    expectValid(result, EXAMPLE_NAMES);
  });

  it('keeps the comments inside the entry and around it', () => {
    const text = EXAMPLE.replace(
      '    buildArgs:\n',
      '    # Passed to every build.\n    buildArgs:\n',
    ).replace('      delay: 1h\n', '      delay: 1h # a base settles first\n');
    const result = changeImageEntry(text, 'hello-web', {
      stages: ['dev', 'prod'],
      rebuild: { auto: true, delay: '2h', coalesceWindow: '30m' },
    });
    expect(result).toBe(
      text
        .replace('    stages: [dev, staging, prod]', '    stages: [dev, prod]')
        .replace('delay: 1h # a base', 'delay: 2h # a base'),
    );
  });

  it('refuses to rename', () => {
    const error = editError(() =>
      changeImageEntry(EXAMPLE, 'hello-web', { name: 'hello' }),
    );
    expect(error.field).toBe('name');
    expect(error.reason).toBe('invalid-change');
    expect(changeImageEntry(EXAMPLE, 'hello-web', { name: 'hello-web' })).toBe(
      EXAMPLE,
    );
  });

  it('refuses a name that is not there', () => {
    const error = editError(() =>
      changeImageEntry(EXAMPLE, 'nope', { owner: 'x' }),
    );
    expect(error.reason).toBe('not-found');
  });

  it('keeps CRLF line ends', () => {
    const crlf = EXAMPLE.replace(/\n/g, '\r\n');
    expect(changeImageEntry(crlf, 'hello-web', { source: null })).toBe(
      changeImageEntry(EXAMPLE, 'hello-web', { source: null }).replace(
        /\n/g,
        '\r\n',
      ),
    );
  });
});

describe('findImageEntry', () => {
  it('returns the entry as written, without defaults', () => {
    expect(findImageEntry(EXAMPLE, 'debian-bookworm')).toEqual({
      name: 'debian-bookworm',
      type: 'external',
      owner: 'platform-team',
      title: 'Debian 12 (slim)',
      description: 'Upstream Debian base, watched for new digests.',
      reference: 'docker.io/library/debian:bookworm-slim',
      platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
    });
  });

  it('returns undefined for a name that is not there', () => {
    expect(findImageEntry(EXAMPLE, 'nope')).toBeUndefined();
    expect(findImageEntry('', 'nope')).toBeUndefined();
  });
});

describe('comments at the end of an entry', () => {
  const entryA = [
    '  - name: a # dash comment',
    '    type: external',
    '    owner: x',
    '    reference: docker.io/library/a:1',
    '    stages:',
    '      - dev',
    '      - prod',
    '      # more stages later',
    '    # end of a',
  ];
  const entryB = [
    '  # about b',
    '  - name: b',
    '    type: external',
    '    owner: x',
    '    reference: docker.io/library/b:1',
  ];
  const file = (...body: string[][]) =>
    [
      '---',
      'images:',
      ...body.flat(),
      'apiVersion: imagefactory.dev/v1alpha1',
      '...',
      '',
    ].join('\n');
  const text = file(entryA, [''], entryB);

  it('removes the comments indented under an entry with it', () => {
    expect(removeImageEntry(text, 'a')).toBe(file(entryB));
    expect(removeImageEntry(text, 'b')).toBe(file(entryA));
  });

  it('keeps them in place when the entry changes', () => {
    expect(changeImageEntry(text, 'a', { owner: 'x' })).toBe(text);
    expect(
      changeImageEntry(text, 'a', { title: 'true', stages: ['dev'] }),
    ).toBe(
      file(
        [
          ...entryA.slice(0, 3),
          '    title: "true"',
          ...entryA.slice(3, 6),
          ...entryA.slice(7),
        ],
        [''],
        entryB,
      ),
    );
  });

  it('adds after the last entry, before the next key', () => {
    expect(
      addImageEntry(text, {
        name: 'c',
        type: 'external',
        owner: 'x',
        reference: 'docker.io/library/c:1',
      }),
    ).toBe(
      file(entryA, [''], entryB, [
        '',
        '  - name: c',
        '    type: external',
        '    owner: x',
        '    reference: docker.io/library/c:1',
      ]),
    );
  });
});
