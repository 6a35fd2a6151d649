import { InputError } from '@backstage/errors';

/** `library/nginx` → library, nginx; `nginx` → library, nginx (official images). */
export function splitHubRepository(repository: string): {
  namespace: string;
  name: string;
} {
  const parts = repository.split('/');
  if (parts.length === 1 && parts[0])
    return { namespace: 'library', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) {
    return { namespace: parts[0], name: parts[1] };
  }
  throw new InputError(
    `repository: Docker Hub repositories are 'namespace/name', got '${repository}'`,
  );
}
