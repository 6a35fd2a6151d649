import { RegistryWaitReason } from '@image-factory/plugin-image-factory-common';

/**
 * Thrown inside a check that must not go on, so that the reference is
 * postponed with the rest of its host instead of failing.
 */
export class HostHeld extends Error {
  constructor(readonly until: Date, readonly reason: RegistryWaitReason) {
    super(`Registry checks held until ${until.toISOString()} (${reason})`);
  }
}
