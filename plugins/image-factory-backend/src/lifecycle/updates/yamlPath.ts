import { InputError } from '@backstage/errors';

const SEGMENT = /^([^.[\]]+)((?:\[\d+\])*)$/;

/**
 * Splits a YAML path such as `spec.template.spec.containers[0].image` into
 * the keys and indexes `Document.getIn` takes; anything else is an
 * `InputError` on `field`.
 */
export function parseYamlPath(
  path: string,
  field: string,
): Array<string | number> {
  const keys: Array<string | number> = [];
  for (const segment of path.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match) {
      throw new InputError(
        `${field}: '${path}' is not a YAML path like spec.template.spec.containers[0].image`,
      );
    }
    keys.push(match[1]);
    for (const index of match[2].match(/\d+/g) ?? []) keys.push(Number(index));
  }
  return keys;
}
