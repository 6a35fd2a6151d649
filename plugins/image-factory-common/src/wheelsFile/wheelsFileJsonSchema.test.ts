import { existsSync, readFileSync } from 'fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { resolve } from 'path';
import { GENERATE_COMMAND } from '../../dev/imagesFileJsonSchema';
import {
  buildWheelsFileJsonSchema,
  WHEELS_FILE_SCHEMA_PATH,
} from '../../dev/wheelsFileJsonSchema';
import { parseWheelsFile } from './parseWheelsFile';

describe('schema/wheels-file.schema.json', () => {
  const schema = buildWheelsFileJsonSchema();

  it('is up to date with wheelSetSchema', () => {
    const committed = existsSync(WHEELS_FILE_SCHEMA_PATH)
      ? JSON.parse(readFileSync(WHEELS_FILE_SCHEMA_PATH, 'utf8'))
      : undefined;
    const stale =
      JSON.stringify(committed) === JSON.stringify(schema)
        ? undefined
        : `${WHEELS_FILE_SCHEMA_PATH} is stale: wheelSetSchema changed. Run \`${GENERATE_COMMAND}\` and commit the result.`;
    expect(stale).toBeUndefined();
  });

  it('accepts the example wheels.yaml, which the parser reads without a problem, and refuses an unknown field', () => {
    const text = readFileSync(
      resolve(__dirname, '../../../../examples/wheels.yaml'),
      'utf8',
    );
    expect(parseWheelsFile(text).issues).toEqual([]);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parse(text))).toBe(true);
    const bad = parse(text);
    bad.wheelSets[0].platform = 'linux/s390x';
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      instancePath: '/wheelSets/0',
      params: { additionalProperty: 'platform' },
    });
  });
});
