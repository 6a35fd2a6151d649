// Helpers for tests and `yarn bench:versions` that fill a real registry
// through its API (no Docker): multi-platform indexes with attestations,
// thousands of tags, cosign signatures and OCI referrers.
export {
  pushImageIndex,
  IN_TOTO_LAYER,
  SLSA_PROVENANCE_V02,
} from './pushImageIndex';
export type {
  PushImageIndexOptions,
  PushedAttestation,
  PushedImageIndex,
  PushedPlatform,
} from './pushImageIndex';
export { tagManyTimes } from './tagManyTimes';
export {
  pushCosignSignature,
  pushReferrer,
  COSIGN_SIMPLESIGNING,
} from './pushArtifacts';
export { tinyLayer } from './tinyLayer';
export type { TinyLayer } from './tinyLayer';
