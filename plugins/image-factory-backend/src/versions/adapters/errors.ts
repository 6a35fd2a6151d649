import { CustomErrorBase } from '@backstage/errors';

/**
 * A hub adapter cannot list this repository, but the generic OCI adapter may:
 * it has no credentials that the hub's API accepts (`not-configured`), the API
 * refused them (`denied`), or the API does not know the repository
 * (`not-found`; GitHub also answers 404 for a package the token may not see).
 * The caller lists the repository through the OCI Distribution API instead.
 */
export class RegistryAdapterCannotServeError extends CustomErrorBase {
  name = 'RegistryAdapterCannotServeError' as const;
  readonly transient: boolean = false;
  /** The adapter that gave up (`ghcr`, `docker-hub`). */
  readonly adapterId: string;
  readonly reason: 'not-configured' | 'denied' | 'not-found';

  constructor(
    message: string,
    options: {
      adapterId: string;
      reason: RegistryAdapterCannotServeError['reason'];
      cause?: unknown;
    },
  ) {
    super(message, options.cause);
    this.adapterId = options.adapterId;
    this.reason = options.reason;
  }
}
