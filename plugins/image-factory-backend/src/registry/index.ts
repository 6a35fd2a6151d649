export { OciRegistryClient } from './OciRegistryClient';
export type {
  Manifest,
  ManifestHead,
  ManifestJson,
  OciDescriptor,
  OciRegistryClientOptions,
  RegistryCredentials,
  Referrers,
  ReferrersOptions,
  RegistryCredentialsProvider,
  RegistryRequestOptions,
  RepositoryRef,
  TagListOptions,
  TagListPage,
} from './types';
export { referrersTag } from './referrers';
export {
  ManifestInvalidError,
  ManifestNotFoundError,
  RegistryAuthError,
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryTimeoutError,
  RegistryUnavailableError,
} from './errors';
export type { RegistryError } from './errors';
export {
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST_V2,
  MANIFEST_ACCEPT,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_LAYER_GZIP,
  OCI_IMAGE_MANIFEST,
} from './mediaTypes';
export { sha256Digest } from './digest';
export { parseRateLimitHeaders } from './parseRateLimitHeaders';
export type { RegistryRateLimit } from './parseRateLimitHeaders';
export { checkRegistry } from './checkRegistry';
export type { RegistryCheck } from './checkRegistry';
export { readRegistriesConfig } from './readRegistriesConfig';
export type { RegistriesConfig } from './readRegistriesConfig';
export { DEFAULT_REQUEST_TIMEOUT_MS } from './requestSignal';
