import { resolve } from 'path';
import { z } from 'zod/v4';
import { IMAGE_FACTORY_API_VERSION } from '../src/constants';
import { wheelSetSchema } from '../src/wheelsFile/wheelSetSchema';

/** Where the published schema lives; `examples/wheels.yaml` points editors at it. */
export const WHEELS_FILE_SCHEMA_PATH = resolve(
  __dirname,
  '../schema/wheels-file.schema.json',
);

/**
 * The JSON Schema (draft-07) of `wheels.yaml`, for editors, generated from
 * `wheelSetSchema`; what zod checks in code (PEP 508 requirements, repeated
 * targets, unique names) only `parseWheelsFile` checks.
 */
export function buildWheelsFileJsonSchema(): Record<string, unknown> {
  const file = z
    .object({
      apiVersion: z
        .literal(IMAGE_FACTORY_API_VERSION)
        .describe('The Image Factory API version.'),
      wheelSets: z
        .array(wheelSetSchema)
        .optional()
        .describe('The sets of Python packages the refinery builds.'),
    })
    .strict();
  const { $schema, ...schema } = z.toJSONSchema(file, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    $schema,
    title: 'Image Factory wheels.yaml',
    description:
      'The wheel sets of the Image Factory refinery: Python packages built from source for the platforms PyPI under-serves.',
    ...schema,
  };
}
