import {
  ImageVersionAttachment,
  ImageVersionPlatform,
} from '@image-factory/plugin-image-factory-common';

/** A layer of a platform manifest. */
export interface LayerRef {
  digest: string;
  size: number;
}

/** A platform of a version, with its layers for comparisons. */
export interface PlatformDetails extends ImageVersionPlatform {
  layerRefs: LayerRef[];
}

/**
 * What a manifest or index digest holds: immutable, so cached without expiry.
 * `kind: 'artifact'` is something that is not an image (a signature, an
 * attestation, an SBOM): never a version of its own.
 */
export interface VersionDetails {
  digest: string;
  mediaType: string;
  kind: 'image' | 'artifact';
  /** `artifactType` (or config media type) of an artifact. */
  artifactType?: string;
  /** `subject` of an OCI artifact manifest: the manifest it is about. */
  subject?: string;
  /** Sum of the platforms' compressed sizes. */
  size: number;
  /** The newest `created` of its platforms. */
  createdAt?: string;
  platforms: PlatformDetails[];
  /** Attestation manifests listed in the index. */
  attachments: ImageVersionAttachment[];
}
