import type { BuildCause } from '../kinds';

/**
 * One artifact of a succeeded build run, as the catalog module turns it into
 * an `ImageBuild` entity.
 *
 * @public
 */
export interface BuildArtifact {
  /** The run that produced it. */
  runId: string;
  /** The image's name in images.yaml. */
  imageName: string;
  /** The Image entity, e.g. `image:default/hello-web`. */
  image: string;
  /** The Image's owner, when the image is still in images.yaml. */
  owner?: string;
  /**
   * True when the image was un-enrolled (it is in the archive): its builds
   * go to the archive with it and are not catalog entities.
   */
  archived?: boolean;
  /** The tag pushed, e.g. `localhost:5000/apps/hello-web:latest`. */
  reference: string;
  /** Digest of the pushed OCI image index. */
  digest: string;
  /** The tags pushed with it. */
  tags: string[];
  /** Each platform's manifest digest. */
  platforms: Array<{ platform: string; digest: string }>;
  /** Why the run was started. */
  cause: BuildCause;
  /** Each base image reference with the digest it was built from. */
  builtFrom: Array<{ reference: string; digest: string }>;
  /** Entity reference of the executor Provider that built it (the first platform's). */
  producedBy?: string;
  /** When the run finished (ISO 8601). */
  createdAt: string;
}

/**
 * The answer of `GET /api/image-factory/artifacts?perImage=N`.
 *
 * @public
 */
export interface BuildArtifactList {
  /** How many artifacts per image were asked for (or configured). */
  perImage: number;
  /** Per image, newest first. */
  items: BuildArtifact[];
}
