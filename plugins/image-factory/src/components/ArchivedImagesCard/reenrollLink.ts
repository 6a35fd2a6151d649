import {
  ArchivedImage,
  IMAGE_FACTORY_API_VERSION,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { reenrollParams } from '../EnrollPage/prefill';

/**
 * The enroll page's address filled in with the archived image's last entry,
 * or, when the factory did not record it, with what it knows of the image.
 */
export function reenrollLink(enrollPath: string, image: ArchivedImage): string {
  const entity: ImageEntityV1alpha1 = image.entity ?? {
    apiVersion: IMAGE_FACTORY_API_VERSION,
    kind: 'Image',
    metadata: { name: image.name },
    spec: {
      type: image.type as ImageEntityV1alpha1['spec']['type'],
      owner: image.owner,
      reference: image.reference,
      registry: '',
      repository: '',
      platforms: [],
    },
  };
  const params = reenrollParams(entity, `Re-enroll ${image.name}`);
  return `${enrollPath}?${params.toString()}`;
}
