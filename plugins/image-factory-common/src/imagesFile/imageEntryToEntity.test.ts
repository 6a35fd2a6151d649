import { readFileSync } from 'fs';
import { resolve } from 'path';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  EntityPolicies,
  FieldFormatEntityPolicy,
  DefaultNamespaceEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_ENTRY,
  ANNOTATION_IMAGE_FACTORY_IMAGES_FILE,
  ANNOTATION_IMAGE_FACTORY_REFERENCE,
} from '../constants';
import { imageEntityV1alpha1Validator, isImageEntity } from '../kinds';
import { imageEntryToEntity } from './imageEntryToEntity';
import { parseImagesFile } from './parseImagesFile';
import { imageEntrySchema } from './schema';

const EXAMPLE = readFileSync(
  resolve(__dirname, '../../../../examples/images.yaml'),
  'utf8',
);
const ORIGIN = { location: '/srv/factory/images.yaml', index: 2 };

/** What the catalog checks on every entity before the kind's own validator. */
const catalogPolicies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

function entry(overrides: Record<string, unknown> = {}) {
  return imageEntrySchema.parse({
    name: 'hello-web',
    type: 'managed',
    owner: 'team-web',
    reference: 'localhost:5000/apps/hello-web:1',
    source: { repo: 'acme/hello' },
    ...overrides,
  });
}

describe('imageEntryToEntity', () => {
  it('turns every example entry into an Image the catalog accepts', async () => {
    const { images, entryIndexes } = parseImagesFile(EXAMPLE);
    expect(images.length).toBeGreaterThan(0);
    for (const [i, image] of images.entries()) {
      const entity = imageEntryToEntity(image, {
        ...ORIGIN,
        index: entryIndexes[i],
      });
      await expect(catalogPolicies.enforce(entity)).resolves.toMatchObject(
        entity,
      );
      await expect(imageEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
      expect(isImageEntity(entity)).toBe(true);
    }
  });

  it('normalises the owner to a full entity reference', () => {
    expect(
      imageEntryToEntity(entry({ owner: 'team-web' }), ORIGIN).spec.owner,
    ).toBe('group:default/team-web');
    expect(
      imageEntryToEntity(entry({ owner: 'user:jane' }), ORIGIN).spec.owner,
    ).toBe('user:default/jane');
    expect(
      imageEntryToEntity(entry({ owner: 'group:infra/platform' }), ORIGIN).spec
        .owner,
    ).toBe('group:infra/platform');
  });

  it('splits and normalises the reference', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const { spec, metadata } = imageEntryToEntity(
      entry({
        type: 'external',
        source: undefined,
        reference: `debian:12@${digest}`,
      }),
      ORIGIN,
    );
    expect(spec).toMatchObject({
      reference: `docker.io/library/debian:12@${digest}`,
      registry: 'docker.io',
      repository: 'library/debian',
      tag: '12',
      digest,
    });
    expect(metadata.annotations![ANNOTATION_IMAGE_FACTORY_REFERENCE]).toBe(
      `docker.io/library/debian:12@${digest}`,
    );
  });

  it('annotates where the entry came from', () => {
    const { metadata } = imageEntryToEntity(entry(), ORIGIN);
    expect(metadata.annotations).toEqual({
      [ANNOTATION_LOCATION]: 'file:/srv/factory/images.yaml',
      [ANNOTATION_ORIGIN_LOCATION]: 'file:/srv/factory/images.yaml',
      [ANNOTATION_IMAGE_FACTORY_IMAGES_FILE]: '/srv/factory/images.yaml',
      [ANNOTATION_IMAGE_FACTORY_ENTRY]: 'images[2]',
      [ANNOTATION_IMAGE_FACTORY_REFERENCE]: 'localhost:5000/apps/hello-web:1',
    });
  });

  it.each([
    [
      'https://github.com/acme/factory/blob/main/images.yaml',
      'url:https://github.com/acme/factory/blob/main/images.yaml',
    ],
    ['file:/srv/images.yaml', 'file:/srv/images.yaml'],
    [
      'url:https://example.com/images.yaml',
      'url:https://example.com/images.yaml',
    ],
  ])('makes a catalog location of %s', (location, expected) => {
    const { metadata } = imageEntryToEntity(entry(), { location, index: 0 });
    expect(metadata.annotations![ANNOTATION_LOCATION]).toBe(expected);
    expect(metadata.annotations![ANNOTATION_IMAGE_FACTORY_IMAGES_FILE]).toBe(
      location,
    );
  });

  it('copies the optional fields it has and leaves out the others', () => {
    const full = imageEntryToEntity(
      entry({
        title: 'Hello',
        description: 'Says hello',
        tags: ['web', 'c++'],
        buildArgs: { GREETING: 'hi' },
        rebuild: { delay: '1h' },
        stages: ['dev', 'prod'],
      }),
      { ...ORIGIN, providedBy: 'provider:default/registry-local' },
    );
    expect(full.metadata).toMatchObject({
      title: 'Hello',
      description: 'Says hello',
      tags: ['web', 'c++'],
    });
    expect(full.spec).toMatchObject({
      buildArgs: { GREETING: 'hi' },
      rebuild: { auto: true, delay: '1h', coalesceWindow: '30m' },
      stages: ['dev', 'prod'],
      providedBy: 'provider:default/registry-local',
      platforms: ['linux/amd64'],
      source: {
        provider: 'github',
        repo: 'acme/hello',
        branch: 'main',
        dockerfile: 'Dockerfile',
        context: '.',
      },
    });

    const bare = imageEntryToEntity(
      entry({ type: 'base', source: undefined }),
      ORIGIN,
    );
    expect(Object.keys(bare.metadata).sort()).toEqual(['annotations', 'name']);
    expect(Object.keys(bare.spec).sort()).toEqual(
      [
        'owner',
        'platforms',
        'reference',
        'registry',
        'repository',
        'tag',
        'type',
      ].sort(),
    );
  });
});
