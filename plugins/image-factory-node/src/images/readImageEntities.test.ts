import { ConfigReader } from '@backstage/config';
import {
  ANNOTATION_IMAGE_FACTORY_ENTRY,
  ANNOTATION_IMAGE_FACTORY_IMAGES_FILE,
  ANNOTATION_IMAGE_FACTORY_REFERENCE,
  imageEntityV1alpha1Validator,
} from '@image-factory/plugin-image-factory-common';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { InMemoryUrlReader } from '../__fixtures__/InMemoryUrlReader';
import { ProviderConfig, readProvidersConfig } from '../config';
import { readImageEntities } from './readImageEntities';

const EXAMPLES = path.resolve(__dirname, '../../../../examples/images.yaml');

const providers: ProviderConfig[] = readProvidersConfig(
  new ConfigReader({
    imageFactory: {
      providers: {
        registries: { local: { type: 'oci', host: 'localhost:5000' } },
      },
    },
  }),
);

describe('readImageEntities', () => {
  let dir: string;
  const urlReader = new InMemoryUrlReader();

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-factory-read-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('turns the example images.yaml into six valid Image entities', async () => {
    const result = await readImageEntities({
      location: EXAMPLES,
      urlReader,
      providers,
    });

    expect(result.error).toBeUndefined();
    expect(result.issues).toEqual([]);
    expect(result.location).toBe(EXAMPLES);
    expect(
      result.entities.map(e => [e.kind, e.metadata.name, e.spec.providedBy]),
    ).toEqual([
      ['Image', 'debian-bookworm', undefined],
      ['Image', 'busybox-upstream', 'provider:default/registry-local'],
      ['Image', 'busybox-base', 'provider:default/registry-local'],
      ['Image', 'hello-web', 'provider:default/registry-local'],
      ['Image', 'python-builder-upstream', 'provider:default/registry-local'],
      ['Image', 'wheel-builder', 'provider:default/registry-local'],
    ]);
    for (const [index, entity] of result.entities.entries()) {
      await expect(imageEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
      expect(entity.metadata.annotations).toMatchObject({
        [ANNOTATION_IMAGE_FACTORY_ENTRY]: `images[${index}]`,
        [ANNOTATION_IMAGE_FACTORY_IMAGES_FILE]: EXAMPLES,
        [ANNOTATION_LOCATION]: `file:${EXAMPLES}`,
        [ANNOTATION_ORIGIN_LOCATION]: `file:${EXAMPLES}`,
      });
    }
    const helloWeb = result.entities[3];
    expect(
      helloWeb.metadata.annotations?.[ANNOTATION_IMAGE_FACTORY_REFERENCE],
    ).toBe('localhost:5000/apps/hello-web');
    expect(helloWeb.spec).toMatchObject({
      type: 'managed',
      owner: 'group:default/team-web',
      registry: 'localhost:5000',
      repository: 'apps/hello-web',
      platforms: ['linux/amd64', 'linux/s390x'],
      stages: ['dev', 'staging', 'prod'],
    });
  });

  it('sets no providedBy when no registry serves the host', async () => {
    const result = await readImageEntities({
      location: EXAMPLES,
      urlReader,
      providers: readProvidersConfig(new ConfigReader({})),
    });
    expect(result.entities).toHaveLength(6);
    expect(result.entities.every(e => e.spec.providedBy === undefined)).toBe(
      true,
    );
  });

  it("annotates each entity with its entry's index in the file, past invalid entries", async () => {
    const file = path.join(dir, 'images.yaml');
    await fs.writeFile(
      file,
      [
        'images:',
        '  - name: Not_Valid',
        '    type: external',
        '    owner: platform-team',
        '    reference: nginx',
        '  - name: nginx',
        '    type: external',
        '    owner: platform-team',
        '    reference: nginx:1.27',
        '',
      ].join('\n'),
    );

    const result = await readImageEntities({
      location: file,
      urlReader,
      providers,
    });

    expect(result.error).toBeUndefined();
    expect(result.entities).toHaveLength(1);
    expect(result.entities[0].metadata.name).toBe('nginx');
    expect(
      result.entities[0].metadata.annotations?.[ANNOTATION_IMAGE_FACTORY_ENTRY],
    ).toBe('images[1]');
    expect(result.entities[0].spec.reference).toBe(
      'docker.io/library/nginx:1.27',
    );
    expect(result.issues).toEqual([
      expect.objectContaining({
        path: 'images[0].name',
        entry: 'Not_Valid',
        line: 2,
      }),
    ]);
  });

  it('reports a file that is not YAML in error, without throwing', async () => {
    const file = path.join(dir, 'images.yaml');
    await fs.writeFile(file, 'images:\n  - name: [unclosed\n');

    const result = await readImageEntities({
      location: file,
      urlReader,
      providers,
    });

    expect(result.entities).toEqual([]);
    expect(result.location).toBe(file);
    expect(result.error).toMatch(
      new RegExp(`^${file} could not be parsed: invalid YAML`),
    );
    expect(result.issues[0]).toMatchObject({ path: '(file)' });
  });

  it('reports a file without an images list in error', async () => {
    const file = path.join(dir, 'images.yaml');
    await fs.writeFile(file, 'images: nginx\n');

    const result = await readImageEntities({
      location: file,
      urlReader,
      providers,
    });

    expect(result.entities).toEqual([]);
    expect(result.error).toBe(
      `${file} could not be parsed: must be a list of image entries`,
    );
  });

  it('reports a missing file in error, naming its absolute location', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const relative = path.relative(process.cwd(), missing);

    const result = await readImageEntities({
      location: relative,
      urlReader,
      providers,
    });

    expect(result).toEqual({
      location: missing,
      entities: [],
      issues: [],
      error: `imageFactory.images.location: '${missing}' does not exist`,
    });
  });

  it('reads a URL through the UrlReader', async () => {
    const url = 'https://github.com/acme/factory-config/blob/main/images.yaml';
    const reader = new InMemoryUrlReader().set(
      url,
      await fs.readFile(EXAMPLES, 'utf8'),
    );

    const result = await readImageEntities({
      location: url,
      urlReader: reader,
      providers,
    });

    expect(result.error).toBeUndefined();
    expect(result.location).toBe(url);
    expect(result.entities).toHaveLength(6);
    expect(result.entities[0].metadata.annotations).toMatchObject({
      [ANNOTATION_LOCATION]: `url:${url}`,
      [ANNOTATION_IMAGE_FACTORY_IMAGES_FILE]: url,
    });
  });

  it('names the revision it read: the sha256 of the content, the same for the same content', async () => {
    const url = 'https://github.com/acme/factory-config/blob/main/images.yaml';
    const text = await fs.readFile(EXAMPLES, 'utf8');
    const reader = new InMemoryUrlReader().set(url, text);
    const read = () =>
      readImageEntities({ location: url, urlReader: reader, providers });

    const first = await read();
    expect(first.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await read()).revision).toBe(first.revision);
    reader.set(url, `${text}\n# changed\n`);
    expect((await read()).revision).not.toBe(first.revision);
  });

  it('does not parse the same content again: given the last result, it gives it back as it is', async () => {
    const url = 'https://github.com/acme/factory-config/blob/main/images.yaml';
    const text = await fs.readFile(EXAMPLES, 'utf8');
    const reader = new InMemoryUrlReader().set(url, text);
    const read = (previous?: Awaited<ReturnType<typeof readImageEntities>>) =>
      readImageEntities({
        location: url,
        urlReader: reader,
        providers,
        previous,
      });

    const first = await read();
    expect(await read(first)).toBe(first);
    reader.set(url, `${text}\n# changed\n`);
    const changed = await read(first);
    expect(changed).not.toBe(first);
    expect(changed.entities).toHaveLength(first.entities.length);
    expect(changed.revision).not.toBe(first.revision);
  });

  it('reports an unreadable URL in error, naming it', async () => {
    const url = 'https://github.com/acme/factory-config/blob/main/gone.yaml';

    const result = await readImageEntities({
      location: url,
      urlReader: new InMemoryUrlReader(),
      providers,
    });

    expect(result).toEqual({
      location: url,
      entities: [],
      issues: [],
      error: `${url} not found`,
    });
  });
});
