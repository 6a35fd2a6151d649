import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Validates a request body against a schema from the common package, before
 * any side effect. A failure becomes an `InputError` (400) whose message names
 * each field: `buildArgs["1X"]: build arg names must be valid identifiers; …`.
 */
export function parseRequestBody<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.flatMap(issue => {
    const path = formatPath(issue.path);
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      return issue.keys.map(
        key => `${formatPath([...issue.path, key])}: is not a known field`,
      );
    }
    const message =
      issue.code === z.ZodIssueCode.invalid_type &&
      issue.received === 'undefined'
        ? 'is required'
        : issue.message;
    return [`${path || '(body)'}: ${message}`];
  });
  throw new InputError(`Invalid request body: ${issues.join('; ')}`);
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      return out ? `${out}.${key}` : key;
    return `${out}[${JSON.stringify(key)}]`;
  }, '');
}
