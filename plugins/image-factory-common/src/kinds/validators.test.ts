import { Entity, KindValidator } from '@backstage/catalog-model';
import imageSchema from './Image.v1alpha1.schema.json';
import imageBuildSchema from './ImageBuild.v1alpha1.schema.json';
import wheelSchema from './Wheel.v1alpha1.schema.json';
import providerSchema from './Provider.v1alpha1.schema.json';
import {
  imageEntityV1alpha1Validator,
  isImageEntity,
} from './ImageEntityV1alpha1';
import {
  imageBuildEntityV1alpha1Validator,
  isImageBuildEntity,
} from './ImageBuildEntityV1alpha1';
import {
  isWheelEntity,
  wheelEntityV1alpha1Validator,
} from './WheelEntityV1alpha1';
import {
  isProviderEntity,
  providerEntityV1alpha1Validator,
} from './ProviderEntityV1alpha1';
import { imageFactoryKindValidators } from './validators';

interface KindCase {
  kind: string;
  example: Entity;
  validator: KindValidator;
  guard: (entity: Entity) => boolean;
  /** A spec field set to a value of the wrong type. */
  badField: [string, unknown];
  /** A required spec field. */
  requiredField: string;
}

const kinds: KindCase[] = [
  {
    kind: 'Image',
    example: imageSchema.examples[0] as Entity,
    validator: imageEntityV1alpha1Validator,
    guard: isImageEntity,
    badField: ['type', 'sometimes'],
    requiredField: 'reference',
  },
  {
    kind: 'ImageBuild',
    example: imageBuildSchema.examples[0] as Entity,
    validator: imageBuildEntityV1alpha1Validator,
    guard: isImageBuildEntity,
    badField: ['cause', 'boredom'],
    requiredField: 'digest',
  },
  {
    kind: 'Wheel',
    example: wheelSchema.examples[0] as Entity,
    validator: wheelEntityV1alpha1Validator,
    guard: isWheelEntity,
    badField: ['status', 'melted'],
    requiredField: 'package',
  },
  {
    kind: 'Provider',
    example: providerSchema.examples[0] as Entity,
    validator: providerEntityV1alpha1Validator,
    guard: isProviderEntity,
    badField: ['type', 'oracle'],
    requiredField: 'endpoint',
  },
];

function withSpec(
  entity: Entity,
  change: (spec: Record<string, unknown>) => void,
): Entity {
  const copy = structuredClone(entity);
  change(copy.spec as Record<string, unknown>);
  return copy;
}

describe.each(kinds)(
  '$kind',
  ({ kind, example, validator, guard, badField, requiredField }) => {
    it('accepts the example of its JSON Schema', async () => {
      expect(example.kind).toBe(kind);
      await expect(validator.check(example)).resolves.toBe(true);
      expect(guard(example)).toBe(true);
    });

    it('throws naming a field with a bad value', async () => {
      const [field, value] = badField;
      const bad = withSpec(example, spec => {
        spec[field] = value;
      });
      await expect(validator.check(bad)).rejects.toThrow(`/spec/${field}`);
    });

    it('throws naming a missing required field', async () => {
      const bad = withSpec(example, spec => {
        delete spec[requiredField];
      });
      await expect(validator.check(bad)).rejects.toThrow(requiredField);
    });

    it('returns false for the other kinds and for another apiVersion', async () => {
      for (const other of kinds.filter(k => k.kind !== kind)) {
        await expect(validator.check(other.example)).resolves.toBe(false);
        expect(guard(other.example)).toBe(false);
      }
      const foreign = { ...example, apiVersion: 'backstage.io/v1alpha1' };
      await expect(validator.check(foreign)).resolves.toBe(false);
      expect(guard(foreign)).toBe(false);
    });
  },
);

describe('Image source', () => {
  it('throws naming an unknown field, since source is a closed object', async () => {
    const bad = withSpec(kinds[0].example, spec => {
      (spec.source as Record<string, unknown>).dockerFile = 'Dockerfile';
    });
    await expect(imageEntityV1alpha1Validator.check(bad)).rejects.toThrow(
      'dockerFile',
    );
  });
});

describe('imageFactoryKindValidators', () => {
  it('holds one validator per kind and none for core kinds', async () => {
    for (const { example } of kinds) {
      const results = await Promise.all(
        imageFactoryKindValidators.map(v => v.check(example)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web' },
      spec: { type: 'service', owner: 'web', lifecycle: 'production' },
    };
    const results = await Promise.all(
      imageFactoryKindValidators.map(v => v.check(component)),
    );
    expect(results).toEqual([false, false, false, false]);
  });
});
