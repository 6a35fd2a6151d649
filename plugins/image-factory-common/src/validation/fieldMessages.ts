import { z } from 'zod/v4';

/**
 * A problem with one field of a validated document or request body.
 *
 * @public
 */
export interface FieldIssue {
  /** Path of the field, e.g. `images[3].source.dockerfile` or `buildArgs["1X"]`. */
  path: string;
  /** What is wrong, e.g. `is required` or `must be one of managed, base, external, not 'x'`. */
  message: string;
}

/** The longest bad value or field name echoed in a message. */
const MAX_ECHOED = 60;
/** The longest message of one issue. */
const MAX_MESSAGE = 300;

/**
 * Shortens text echoed back to users (a bad value, a field name, a message)
 * to `max` characters ending in `…`, so that a hostile input cannot make a
 * response or a log line as large as itself.
 *
 * @public
 */
export function truncateForMessage(text: string, max = MAX_ECHOED): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
};

const typeOf = (value: unknown) => {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
};

/**
 * Words users read for zod's built-in checks; messages written in the schemas
 * themselves take precedence over these.
 */
const fieldErrorMap = (issue: {
  code?: string;
  input?: unknown;
  expected?: string;
  values?: readonly unknown[];
}): string | undefined => {
  if (issue.input === undefined && issue.code !== 'custom')
    return 'is required';
  if (issue.code === 'invalid_type') {
    const expected = issue.expected ?? 'a value';
    return `must be ${TYPE_NAMES[expected] ?? expected}, not ${typeOf(
      issue.input,
    )}`;
  }
  if (issue.code === 'invalid_value' && issue.values) {
    return `must be one of ${issue.values.join(
      ', ',
    )}, not '${truncateForMessage(String(issue.input))}'`;
  }
  return undefined;
};

/**
 * Formats a path the way users write it: `a.b[2]["odd key"]`, after `base`.
 *
 * @public
 */
export function formatFieldPath(
  base: string,
  path: ReadonlyArray<PropertyKey>,
): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = truncateForMessage(String(key));
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return out ? `${out}.${name}` : name;
    }
    return `${out}[${JSON.stringify(name)}]`;
  }, base);
}

/**
 * The result of {@link parseFields}.
 *
 * @public
 */
export type ParseFieldsResult<T> =
  | { success: true; data: T }
  | { success: false; issues: FieldIssue[] };

/**
 * Validates `data` with a schema of this package and, on failure, returns one
 * issue per field in the words users read (`path: message`), with an unknown
 * key reported as `is not a known field`.
 *
 * @public
 */
export function parseFields<T extends z.ZodType>(
  schema: T,
  data: unknown,
  basePath = '',
): ParseFieldsResult<z.output<T>> {
  const result = schema.safeParse(data, { error: fieldErrorMap });
  if (result.success) {
    return { success: true, data: result.data };
  }
  const issues = result.error.issues.flatMap(issue => {
    if (issue.code === 'invalid_key') {
      // A record key that broke its rule: say which key, with the rule's words.
      return issue.issues.map(inner => ({
        path: formatFieldPath(basePath, issue.path),
        message: truncateForMessage(inner.message, MAX_MESSAGE),
      }));
    }
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(key => ({
        path: formatFieldPath(basePath, [...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    return [
      {
        path: formatFieldPath(basePath, issue.path),
        message: truncateForMessage(issue.message, MAX_MESSAGE),
      },
    ];
  });
  return { success: false, issues };
}
