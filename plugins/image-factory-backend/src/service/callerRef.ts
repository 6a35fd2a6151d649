import { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Who is calling, for audit trails: a user's entity ref, else a service's subject. */
export function callerRef(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject;
}
