import { RepositoryRef } from '../registry';

/** The image whose versions are asked for, resolved from its name. */
export interface VersionTarget extends RepositoryRef {
  /** The Image entity's name (`hello-web`, or a discovered base's name). */
  imageName: string;
  entityRef: string;
  /** Whether the factory builds it (its runs are in the ledger). */
  managed: boolean;
}
