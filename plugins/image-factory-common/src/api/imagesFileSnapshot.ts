import type { ImageEntityV1alpha1, ProviderEntityV1alpha1 } from '../kinds';
import type { ImagesFileStatus } from './types';

/**
 * Response of `GET /api/image-factory/images-file`: the backend's last read of
 * `images.yaml` (it reads the file on one schedule for the whole suite), as the
 * catalog module turns it into entities, so that the catalog and the factory
 * never disagree about which images exist.
 *
 * @public
 */
export interface ImagesFileSnapshot extends ImagesFileStatus {
  /**
   * `sha256:<hex>` of the content whose images are served; absent until a read
   * succeeded. A failed later read keeps the revision of the last good one.
   */
  revision?: string;
  /**
   * One Image entity per valid entry of the last good read; absent until a read
   * succeeded, so that a client can tell "not read yet" from "no images".
   */
  images?: ImageEntityV1alpha1[];
  /** One Provider entity per configured executor, registry and source host. */
  providers: ProviderEntityV1alpha1[];
  /**
   * Owner of the entities the factory makes up (Provider entities, bases found
   * only in Dockerfiles): `imageFactory.providerOwner`, in full.
   */
  providerOwner: string;
}
