import { readFileSync } from 'fs';
import { resolve } from 'path';
import { stringify } from 'yaml';
import { formatImagesFileIssue, parseImagesFile } from './parseImagesFile';

const EXAMPLE = readFileSync(
  resolve(__dirname, '../../../../examples/images.yaml'),
  'utf8',
);

const before = {
  name: 'alpine',
  type: 'external',
  owner: 'platform-team',
  reference: 'alpine:3.20',
};
const after = {
  name: 'app',
  type: 'managed',
  owner: 'team-web',
  reference: 'localhost:5000/apps/app',
  source: { repo: 'acme/app' },
};
const managed = {
  name: 'bad',
  type: 'managed',
  owner: 'team-web',
  reference: 'localhost:5000/apps/bad:1',
  source: {
    repo: 'acme/bad',
    dockerfile: 'build/Dockerfile',
    context: 'build',
  },
};

/** images.yaml with a valid entry on each side of the one under test. */
function fileWith(entry: unknown): string {
  return stringify({
    apiVersion: 'imagefactory.dev/v1alpha1',
    images: [before, entry, after],
  });
}

/** The 1-based numbers of the lines that start with `prefix`. */
function linesOf(text: string, prefix: string): number[] {
  return text
    .split('\n')
    .flatMap((line, i) => (line.startsWith(prefix) ? [i + 1] : []));
}

describe('parseImagesFile on the example file', () => {
  const result = parseImagesFile(EXAMPLE);

  it('finds no problem', () => {
    expect(result.issues).toEqual([]);
    expect(result.fatal).toBe(false);
  });

  it('reads every entry in order', () => {
    expect(result.images.map(i => i.name)).toEqual([
      'debian-bookworm',
      'busybox-upstream',
      'busybox-base',
      'hello-web',
      'python-builder-upstream',
      'wheel-builder',
    ]);
    expect(result.entryIndexes).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('applies the defaults', () => {
    const base = result.images.find(i => i.name === 'busybox-base')!;
    expect(base.source).toEqual({
      provider: 'github',
      repo: 'image-factory/examples',
      branch: 'main',
      dockerfile: 'dockerfiles/busybox-base/Dockerfile',
      context: 'dockerfiles/busybox-base',
    });
    // No rebuild block: the engine's defaults apply.
    expect(base.rebuild).toBeUndefined();
    const debian = result.images.find(i => i.name === 'debian-bookworm')!;
    expect(debian.source).toBeUndefined();
    expect(debian.rebuild).toBeUndefined();
  });

  it('defaults platforms, branch, dockerfile and context', () => {
    const { images } = parseImagesFile(stringify({ images: [after] }));
    expect(images[0].platforms).toEqual(['linux/amd64']);
    expect(images[0].source).toEqual({
      provider: 'github',
      repo: 'acme/app',
      branch: 'main',
      dockerfile: 'Dockerfile',
      context: '.',
    });
  });
});

describe('parseImagesFile on a bad entry', () => {
  it.each<[string, unknown, string, string]>([
    [
      'an unknown field',
      { ...managed, colour: 'red' },
      'images[1].colour',
      'is not a known field',
    ],
    [
      'an unknown field in source',
      { ...managed, source: { ...managed.source, dockerFile: 'Dockerfile' } },
      'images[1].source.dockerFile',
      'is not a known field',
    ],
    [
      'a missing owner',
      { ...managed, owner: undefined },
      'images[1].owner',
      'is required',
    ],
    [
      'a missing type',
      { ...managed, type: undefined },
      'images[1].type',
      'is required',
    ],
    [
      'a missing source repo',
      { ...managed, source: { dockerfile: 'Dockerfile' } },
      'images[1].source.repo',
      'is required',
    ],
    [
      'a bad name',
      { ...managed, name: 'Bad_Name' },
      'images[1].name',
      'must be 1-63 lowercase',
    ],
    [
      'an invalid reference',
      { ...managed, reference: 'localhost:5000/Apps/bad' },
      'images[1].reference',
      "invalid image reference 'localhost:5000/Apps/bad': repository name 'Apps/bad' must be lowercase",
    ],
    [
      'a Dockerfile outside the repository',
      {
        ...managed,
        source: { ...managed.source, dockerfile: '../../etc/passwd' },
      },
      'images[1].source.dockerfile',
      'must be a relative path inside the repository',
    ],
    [
      'a Dockerfile that climbs out after going in',
      {
        ...managed,
        source: { ...managed.source, dockerfile: 'build/../../Dockerfile' },
      },
      'images[1].source.dockerfile',
      'must be a relative path inside the repository',
    ],
    [
      'an absolute Dockerfile path',
      { ...managed, source: { ...managed.source, dockerfile: '/etc/passwd' } },
      'images[1].source.dockerfile',
      'must be a relative path inside the repository',
    ],
    [
      'a Windows path',
      {
        ...managed,
        source: { ...managed.source, dockerfile: 'C:\\build\\Dockerfile' },
      },
      'images[1].source.dockerfile',
      'must be a relative path inside the repository',
    ],
    [
      'an absolute context',
      { ...managed, source: { ...managed.source, context: '/' } },
      'images[1].source.context',
      'must be a relative path inside the repository',
    ],
    [
      'a managed image without source',
      { ...managed, source: undefined },
      'images[1].source',
      'is required for a managed image',
    ],
    [
      'a managed image pinned to a digest',
      {
        ...managed,
        reference: `localhost:5000/apps/bad@sha256:${'a'.repeat(64)}`,
      },
      'images[1].reference',
      'a managed image is pushed by tag and must not pin a digest',
    ],
    [
      'an external image with source',
      { ...before, name: 'bad', source: managed.source },
      'images[1].source',
      'is only allowed for managed and base images',
    ],
    [
      'an unknown platform',
      { ...managed, platforms: ['linux/amd64', 'linux/sparc'] },
      'images[1].platforms[1]',
      "must be one of linux/amd64, linux/arm64, linux/s390x, linux/ppc64le, linux/riscv64, linux/386, linux/arm/v7, linux/arm/v6, not 'linux/sparc'",
    ],
    [
      'a platform twice',
      { ...managed, platforms: ['linux/amd64', 'linux/s390x', 'linux/amd64'] },
      'images[1].platforms',
      'must not list a platform twice',
    ],
    [
      'no platform',
      { ...managed, platforms: [] },
      'images[1].platforms',
      'must list at least one platform',
    ],
    [
      'a bad duration',
      { ...managed, rebuild: { delay: 'soon' } },
      'images[1].rebuild.delay',
      "must be a duration such as '30m', '6h', '2d' or '1h30m'",
    ],
    [
      'a bad coalescing window',
      { ...managed, rebuild: { coalesceWindow: '30 minutes' } },
      'images[1].rebuild.coalesceWindow',
      'must be a duration',
    ],
    [
      'a wrong type',
      { ...managed, rebuild: { auto: 'yes please' } },
      'images[1].rebuild.auto',
      'must be true or false, not string',
    ],
    [
      'a bad build arg name',
      { ...managed, buildArgs: { 'MY-ARG': 'x' } },
      'images[1].buildArgs["MY-ARG"]',
      'build arg names must be valid identifiers',
    ],
    [
      'an owner with a bad namespace',
      { ...managed, owner: 'group:Team@X/web' },
      'images[1].owner',
      'must be an entity reference',
    ],
    [
      'a catalog tag the catalog would refuse',
      { ...managed, tags: ['Not A Tag'] },
      'images[1].tags[0]',
      'catalog tags must be lowercase',
    ],
    [
      'an entry that is not a mapping',
      'bad',
      'images[1]',
      'must be a mapping, not string',
    ],
  ])('reports %s and keeps the other entries', (_, entry, path, message) => {
    const text = fileWith(entry);
    const result = parseImagesFile(text);
    expect(result.issues).toEqual([
      expect.objectContaining({
        path,
        message: expect.stringContaining(message),
      }),
    ]);
    // The second list item is the entry under test.
    expect(result.issues[0].line).toBe(linesOf(text, '  - ')[1]);
    expect(result.images.map(i => i.name)).toEqual(['alpine', 'app']);
    expect(result.entryIndexes).toEqual([0, 2]);
    expect(result.fatal).toBe(false);
  });

  it('names the entry and formats the issue as path (line): message', () => {
    const text = fileWith({
      ...managed,
      source: { ...managed.source, dockerfile: '../../etc/passwd' },
    });
    const [issue] = parseImagesFile(text).issues;
    expect(issue.entry).toBe('bad');
    expect(formatImagesFileIssue(issue)).toBe(
      `images[1].source.dockerfile (line ${
        linesOf(text, '  - name: bad')[0]
      }): must be a relative path inside the repository`,
    );
    expect(
      formatImagesFileIssue({ path: 'extra', message: 'is not a known field' }),
    ).toBe('extra: is not a known field');
  });

  it('accepts paths that stay inside the repository', () => {
    const source = {
      ...managed.source,
      dockerfile: './build/../docker/Dockerfile',
      context: 'a/./b/',
    };
    expect(parseImagesFile(fileWith({ ...managed, source })).issues).toEqual(
      [],
    );
  });

  it('reports every problem of one entry', () => {
    const text = fileWith({
      ...managed,
      reference: 'Bad Ref',
      source: undefined,
      colour: 'red',
    });
    expect(
      parseImagesFile(text)
        .issues.map(i => i.path)
        .sort(),
    ).toEqual(['images[1].colour', 'images[1].reference', 'images[1].source']);
  });
});

describe('parseImagesFile on duplicate names', () => {
  it('reports the second entry and keeps the first', () => {
    const text = stringify({
      images: [
        before,
        after,
        { ...managed, name: 'alpine', reference: 'localhost:5000/x' },
      ],
    });
    const result = parseImagesFile(text);
    expect(result.issues).toEqual([
      {
        path: 'images[2].name',
        message: "duplicate image name 'alpine' (first used by images[0])",
        entry: 'alpine',
        line: linesOf(text, '  - name: alpine')[1],
      },
    ]);
    expect(result.images.map(i => [i.name, i.reference])).toEqual([
      ['alpine', 'alpine:3.20'],
      ['app', 'localhost:5000/apps/app'],
    ]);
    expect(result.entryIndexes).toEqual([0, 1]);
  });
});
