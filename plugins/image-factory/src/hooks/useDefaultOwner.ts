import { useEffect, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';

/** The signed-in user's first group, the likeliest owner of a new image. */
export function useDefaultOwner(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const [owner, setOwner] = useState<string>();
  useEffect(() => {
    let active = true;
    identityApi.getBackstageIdentity().then(
      identity => {
        const group = identity.ownershipEntityRefs.find(ref =>
          ref.startsWith('group:'),
        );
        if (active && group) setOwner(group);
      },
      () => {}, // Without an identity the owner stays empty for the user to fill.
    );
    return () => {
      active = false;
    };
  }, [identityApi]);
  return owner;
}
