import { InputError } from '@backstage/errors';
import { parseFields } from '@image-factory/plugin-image-factory-common';

/**
 * Validates a request body against a schema from the common package, before
 * any side effect. A failure becomes an `InputError` (400) whose message names
 * each field: `buildArgs["1X"]: build arg names must be valid identifiers; …`.
 */
export function parseRequestBody<T extends Parameters<typeof parseFields>[0]>(
  schema: T,
  body: unknown,
) {
  const result = parseFields(schema, body ?? {});
  if (!result.success) {
    const issues = result.issues.map(
      i => `${i.path || '(body)'}: ${i.message}`,
    );
    throw new InputError(`Invalid request body: ${issues.join('; ')}`);
  }
  return result.data;
}
