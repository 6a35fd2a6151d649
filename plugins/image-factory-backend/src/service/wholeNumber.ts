import { InputError } from '@backstage/errors';

/** A whole-number query parameter, or a 400 naming it. */
export function wholeNumber(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(
      `${name}: must be a whole number from ${min}${
        max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`
      }, got '${String(value)}'`,
    );
  }
  return n;
}
