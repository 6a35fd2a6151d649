import { InputError } from '@backstage/errors';

/** A 400 naming the first query parameter a route does not take. */
export function onlyQueryParameters(
  query: Record<string, unknown>,
  allowed: string[],
): void {
  const unknown = Object.keys(query).find(k => !allowed.includes(k));
  if (unknown) {
    throw new InputError(
      `${unknown}: unknown parameter (only ${allowed.join(', ')})`,
    );
  }
}
