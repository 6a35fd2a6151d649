import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import {
  RELATION_BUILD_OF,
  RELATION_HAS_BUILD,
  RELATION_PROVIDED_BY,
  RELATION_PROVIDER_OF,
} from '@image-factory/plugin-image-factory-common';
import {
  imageBuildEntity,
  imageEntity,
  providerEntity,
  wheelEntity,
} from '../__fixtures__/entities';
import { ImageFactoryEntitiesProcessor } from './ImageFactoryEntitiesProcessor';

const location = { type: 'url', target: 'https://example.com/images.yaml' };

/** A deep copy of the fixture with `change` applied, so fixtures stay intact. */
function variant<T extends Entity>(
  entity: T,
  change: (copy: any) => void,
): Entity {
  const copy = JSON.parse(JSON.stringify(entity));
  change(copy);
  return copy;
}

/** The relations emitted for an entity, as `source type target` lines. */
async function relationsOf(entity: Entity): Promise<string[]> {
  const emitted: CatalogProcessorResult[] = [];
  const result = await new ImageFactoryEntitiesProcessor().postProcessEntity(
    entity,
    location,
    r => emitted.push(r),
  );
  expect(result).toBe(entity);
  return emitted.map(r => {
    if (r.type !== 'relation') {
      throw new Error(`unexpected ${r.type} result`);
    }
    const { source, type, target } = r.relation;
    return `${stringifyEntityRef(source)} ${type} ${stringifyEntityRef(
      target,
    )}`;
  });
}

describe('ImageFactoryEntitiesProcessor', () => {
  const processor = new ImageFactoryEntitiesProcessor();

  it('has a stable name', () => {
    expect(processor.getProcessorName()).toBe('ImageFactoryEntitiesProcessor');
  });

  describe('validateEntityKind', () => {
    it.each([
      ['Image', imageEntity],
      ['ImageBuild', imageBuildEntity],
      ['Wheel', wheelEntity],
      ['Provider', providerEntity],
    ] as const)('accepts a valid %s', async (_, entity) => {
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
    });

    it('accepts an Image without its optional fields', async () => {
      const bare = variant(imageEntity, e => {
        for (const key of [
          'source',
          'rebuild',
          'stages',
          'dependsOn',
          'providedBy',
        ]) {
          delete e.spec[key];
        }
      });
      await expect(processor.validateEntityKind(bare)).resolves.toBe(true);
    });

    const invalid: Array<
      [kind: string, field: string, entity: Entity, change: (e: any) => void]
    > = [
      [
        'Image',
        '/spec/type',
        imageEntity,
        e => {
          e.spec.type = 'sideloaded';
        },
      ],
      [
        'Image',
        '/spec/platforms',
        imageEntity,
        e => {
          e.spec.platforms = [];
        },
      ],
      [
        'Image',
        "property 'reference'",
        imageEntity,
        e => {
          delete e.spec.reference;
        },
      ],
      [
        'Image',
        '/spec/digest',
        imageEntity,
        e => {
          e.spec.digest = 'latest';
        },
      ],
      [
        'Image',
        '/spec/source/provider',
        imageEntity,
        e => {
          e.spec.source.provider = 'gitlab';
        },
      ],
      [
        'Image',
        'additionalProperty: shallow',
        imageEntity,
        e => {
          e.spec.source.shallow = true;
        },
      ],
      [
        'Image',
        '/spec/rebuild/auto',
        imageEntity,
        e => {
          e.spec.rebuild.auto = 'yes';
        },
      ],
      [
        'ImageBuild',
        '/spec/cause',
        imageBuildEntity,
        e => {
          e.spec.cause = 'whim';
        },
      ],
      [
        'ImageBuild',
        '/spec/digest',
        imageBuildEntity,
        e => {
          e.spec.digest = 'sha256:x';
        },
      ],
      [
        'ImageBuild',
        "property 'image'",
        imageBuildEntity,
        e => {
          delete e.spec.image;
        },
      ],
      [
        'Wheel',
        '/spec/status',
        wheelEntity,
        e => {
          e.spec.status = 'done';
        },
      ],
      [
        'Wheel',
        "property 'platform'",
        wheelEntity,
        e => {
          e.spec.targets = [{ python: 'cp312' }];
        },
      ],
      [
        'Provider',
        '/spec/type',
        providerEntity,
        e => {
          e.spec.type = 'database';
        },
      ],
      [
        'Provider',
        '/spec/capabilities/concurrency',
        providerEntity,
        e => {
          e.spec.capabilities.concurrency = 0;
        },
      ],
      [
        'Provider',
        "property 'endpoint'",
        providerEntity,
        e => {
          delete e.spec.endpoint;
        },
      ],
    ];

    it.each(invalid)(
      'rejects an invalid %s, naming %s',
      async (_kind, field, entity, change) => {
        await expect(
          processor.validateEntityKind(variant(entity, change)),
        ).rejects.toThrow(field);
      },
    );

    it('returns false for kinds it does not own', async () => {
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'web' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-web' },
      };
      await expect(processor.validateEntityKind(component)).resolves.toBe(
        false,
      );
      const otherVersion = variant(
        imageEntity,
        e => (e.apiVersion = 'imagefactory.dev/v2'),
      );
      await expect(processor.validateEntityKind(otherVersion)).resolves.toBe(
        false,
      );
      const otherKind = variant(imageEntity, e => (e.kind = 'Container'));
      await expect(processor.validateEntityKind(otherKind)).resolves.toBe(
        false,
      );
    });
  });

  describe('postProcessEntity', () => {
    it('emits the relations of an Image both ways', async () => {
      expect(await relationsOf(imageEntity)).toEqual([
        `image:default/hello-web ${RELATION_OWNED_BY} group:default/team-web`,
        `group:default/team-web ${RELATION_OWNER_OF} image:default/hello-web`,
        `image:default/hello-web ${RELATION_PROVIDED_BY} provider:default/registry-local`,
        `provider:default/registry-local ${RELATION_PROVIDER_OF} image:default/hello-web`,
        `image:default/hello-web ${RELATION_DEPENDS_ON} image:default/busybox-base`,
        `image:default/busybox-base ${RELATION_DEPENDENCY_OF} image:default/hello-web`,
      ]);
    });

    it('emits the relations of an ImageBuild both ways', async () => {
      expect(await relationsOf(imageBuildEntity)).toEqual([
        `imagebuild:default/hello-web-1 ${RELATION_OWNED_BY} group:default/team-web`,
        `group:default/team-web ${RELATION_OWNER_OF} imagebuild:default/hello-web-1`,
        `imagebuild:default/hello-web-1 ${RELATION_BUILD_OF} image:default/hello-web`,
        `image:default/hello-web ${RELATION_HAS_BUILD} imagebuild:default/hello-web-1`,
        `imagebuild:default/hello-web-1 ${RELATION_PROVIDED_BY} provider:default/executor-local-docker`,
        `provider:default/executor-local-docker ${RELATION_PROVIDER_OF} imagebuild:default/hello-web-1`,
      ]);
    });

    it('emits the relations of a Wheel both ways', async () => {
      expect(await relationsOf(wheelEntity)).toEqual([
        `wheel:default/numpy ${RELATION_OWNED_BY} group:default/team-data`,
        `group:default/team-data ${RELATION_OWNER_OF} wheel:default/numpy`,
        `wheel:default/numpy ${RELATION_PROVIDED_BY} provider:default/executor-local-docker`,
        `provider:default/executor-local-docker ${RELATION_PROVIDER_OF} wheel:default/numpy`,
      ]);
    });

    it('relates a Wheel to the Images it was built in', async () => {
      const wheel = variant(wheelEntity, e => {
        e.spec.builderImages = ['image:default/wheel-builder'];
      });
      expect(await relationsOf(wheel)).toEqual(
        expect.arrayContaining([
          `wheel:default/numpy ${RELATION_DEPENDS_ON} image:default/wheel-builder`,
          `image:default/wheel-builder ${RELATION_DEPENDENCY_OF} wheel:default/numpy`,
        ]),
      );
    });

    it('emits the ownership of a Provider both ways', async () => {
      expect(await relationsOf(providerEntity)).toEqual([
        `provider:default/executor-local-docker ${RELATION_OWNED_BY} group:default/platform-team`,
        `group:default/platform-team ${RELATION_OWNER_OF} provider:default/executor-local-docker`,
      ]);
    });

    it('keeps explicit kinds and namespaces, and defaults to the entity namespace', async () => {
      const image = variant(imageEntity, e => {
        e.metadata.namespace = 'apps';
        e.spec.owner = 'user:default/jdoe';
        e.spec.dependsOn = ['base', 'image:shared/debian'];
        delete e.spec.providedBy;
      });
      expect(await relationsOf(image)).toEqual([
        `image:apps/hello-web ${RELATION_OWNED_BY} user:default/jdoe`,
        `user:default/jdoe ${RELATION_OWNER_OF} image:apps/hello-web`,
        `image:apps/hello-web ${RELATION_DEPENDS_ON} image:apps/base`,
        `image:apps/base ${RELATION_DEPENDENCY_OF} image:apps/hello-web`,
        `image:apps/hello-web ${RELATION_DEPENDS_ON} image:shared/debian`,
        `image:shared/debian ${RELATION_DEPENDENCY_OF} image:apps/hello-web`,
      ]);
    });

    it('emits nothing for the optional relations that are not set', async () => {
      const provider = variant(providerEntity, e => delete e.spec.owner);
      expect(await relationsOf(provider)).toEqual([]);
    });

    it('leaves other kinds alone', async () => {
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'web' },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-web' },
      };
      expect(await relationsOf(component)).toEqual([]);
    });
  });
});
