import { existsSync, readFileSync } from 'fs';
import { SUPPORTED_PLATFORMS } from './schema';
import {
  buildImagesFileJsonSchema,
  formatJson,
  GENERATE_COMMAND,
  IMAGES_FILE_SCHEMA_PATH,
} from '../../dev/imagesFileJsonSchema';

type Schema = Record<string, any>;

/** Every object schema in the tree, with its path. */
function objectSchemas(schema: Schema, path = '#'): Array<[string, Schema]> {
  const own: Array<[string, Schema]> =
    schema.type === 'object' && schema.properties ? [[path, schema]] : [];
  const children = Object.entries<Schema>(schema.properties ?? {}).map(
    ([key, child]): [string, Schema] => [`${path}/${key}`, child],
  );
  if (schema.items) children.push([`${path}[]`, schema.items]);
  return [...own, ...children.flatMap(([p, child]) => objectSchemas(child, p))];
}

describe('schema/images-file.schema.json', () => {
  const schema: Schema = buildImagesFileJsonSchema();

  it('is up to date with imagesFileSchema', () => {
    const committed = existsSync(IMAGES_FILE_SCHEMA_PATH)
      ? JSON.parse(readFileSync(IMAGES_FILE_SCHEMA_PATH, 'utf8'))
      : undefined;
    const stale =
      JSON.stringify(committed) === JSON.stringify(schema)
        ? undefined
        : `${IMAGES_FILE_SCHEMA_PATH} is stale: imagesFileSchema changed. Run \`${GENERATE_COMMAND}\` and commit the result.`;
    expect(stale).toBeUndefined();
  });

  it('is a titled draft-07 schema', () => {
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Image Factory images.yaml',
      type: 'object',
    });
    expect(JSON.stringify(schema)).not.toContain('$ref');
  });

  it('describes every field and allows no unknown one', () => {
    for (const [path, object] of objectSchemas(schema)) {
      if (path.endsWith('/buildArgs')) continue;
      expect({
        path,
        additionalProperties: object.additionalProperties,
      }).toEqual({
        path,
        additionalProperties: false,
      });
      for (const [key, field] of Object.entries<Schema>(object.properties)) {
        expect({
          field: `${path}/${key}`,
          description: typeof field.description,
        }).toEqual({
          field: `${path}/${key}`,
          description: 'string',
        });
      }
    }
  });

  it('carries the required fields, defaults, platforms and duration pattern', () => {
    const entry = schema.properties.images.items;
    expect(entry.required).toEqual(['name', 'type', 'owner', 'reference']);
    expect(entry.properties.platforms).toMatchObject({
      default: ['linux/amd64'],
      items: { enum: [...SUPPORTED_PLATFORMS] },
    });
    expect(entry.properties.source.required).toEqual(['repo']);
    expect(entry.properties.source.properties.branch.default).toBe('main');
    expect(entry.properties.source.properties.dockerfile.default).toBe(
      'Dockerfile',
    );
    const rebuild = entry.properties.rebuild.properties;
    expect(rebuild.delay).toMatchObject({
      default: '0s',
      pattern: expect.any(String),
    });
    const duration = new RegExp(rebuild.coalesceWindow.pattern);
    expect(['30m', '1h30m', '2d'].filter(d => duration.test(d))).toHaveLength(
      3,
    );
    expect(['', '30', 'soon', '1.5h'].filter(d => duration.test(d))).toEqual(
      [],
    );
  });

  it('is laid out as prettier would, so formatting checks pass', () => {
    expect(formatJson({ a: [1, 2], b: { c: 'd' }, e: [] })).toBe(
      '{\n  "a": [1, 2],\n  "b": {\n    "c": "d"\n  },\n  "e": []\n}\n',
    );
    const long = Array.from({ length: 12 }, (_, i) => `item-number-${i}`);
    expect(formatJson({ long })).toBe(
      `{\n  "long": [\n${long
        .map(item => `    "${item}"`)
        .join(',\n')}\n  ]\n}\n`,
    );
  });
});
