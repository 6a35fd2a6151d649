import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

const entityRefParts = makeValidator();

/**
 * Reads an owner as the catalog would accept it ('platform-team',
 * 'group:default/platform-team', 'user:jane') and returns its full form, or
 * undefined when it is not one.
 *
 * @public
 */
export function parseOwnerRef(text: string): string | undefined {
  let ref;
  try {
    ref = parseEntityRef(text, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    return undefined;
  }
  // parseEntityRef accepts any text between the separators; the catalog does not.
  if (
    !entityRefParts.isValidKind(ref.kind) ||
    !entityRefParts.isValidNamespace(ref.namespace) ||
    !entityRefParts.isValidEntityName(ref.name)
  ) {
    return undefined;
  }
  return stringifyEntityRef(ref);
}
