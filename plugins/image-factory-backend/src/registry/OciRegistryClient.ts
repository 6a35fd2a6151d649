import { InputError } from '@backstage/errors';
import {
  formatImageRef,
  ImageRef,
} from '@image-factory/plugin-image-factory-common';
import { digestMatches, sha256Digest } from './digest';
import { errorFromResponse } from './errorFromResponse';
import {
  ManifestInvalidError,
  ManifestNotFoundError,
  RegistryResponseError,
} from './errors';
import { MANIFEST_ACCEPT } from './mediaTypes';
import { parseRateLimitHeaders } from './parseRateLimitHeaders';
import { RegistryAuthenticator } from './RegistryAuthenticator';
import {
  assertRepositoryName,
  RegistryEndpoint,
  resolveRegistryEndpoint,
} from './registryEndpoint';
import { RegistryRequest, RegistryTransport } from './RegistryTransport';
import {
  checkAnnouncedDigest,
  discardBody,
  mediaTypeOf,
  parseManifestJson,
  readBody,
  requireHeader,
} from './responseChecks';
import { checkReferrersOptions, fetchReferrers } from './referrers';
import { checkTagListOptions, fetchTagPage } from './tagList';
import {
  Manifest,
  ManifestHead,
  OciRegistryClientOptions,
  Referrers,
  ReferrersOptions,
  RegistryRequestOptions,
  RepositoryRef,
  TagListOptions,
  TagListPage,
} from './types';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './requestSignal';

const DEFAULT_USER_AGENT = 'image-factory';
/** Docker's default when a reference names neither tag nor digest. */
const DEFAULT_TAG = 'latest';
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * A client of the OCI distribution API (distribution-spec v1.1) for reading
 * and pushing manifests and blobs. It throws the typed errors of
 * `./errors.ts` and never retries by itself beyond answering one auth
 * challenge: callers own backoff, reading `transient` and `retryAfterMs`.
 */
export class OciRegistryClient {
  private readonly insecureHosts: ReadonlySet<string>;
  private readonly clock: () => Date;
  private readonly transport: RegistryTransport;

  static create(options: OciRegistryClientOptions = {}): OciRegistryClient {
    return new OciRegistryClient(options);
  }

  private constructor(options: OciRegistryClientOptions) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.insecureHosts = new Set(
      (options.insecureHosts ?? []).map(h => h.toLowerCase()),
    );
    this.clock = options.clock ?? (() => new Date());
    const requestTimeoutMs =
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(requestTimeoutMs > 0)) {
      throw new RangeError(
        `requestTimeoutMs: must be more than 0, got ${requestTimeoutMs}`,
      );
    }
    const authenticator = new RegistryAuthenticator({
      credentials: options.credentials,
      fetch: fetchImpl,
      userAgent,
      insecureHosts: this.insecureHosts,
      clock: this.clock,
      requestTimeoutMs,
    });
    this.transport = new RegistryTransport({
      fetch: fetchImpl,
      userAgent,
      authenticator,
      requestTimeoutMs,
    });
  }

  /**
   * Digest, media type and size of a manifest, by HEAD (which Docker Hub
   * does not count as a pull). The digest wins over the tag when both are set.
   */
  async headManifest(
    ref: ImageRef,
    { signal }: RegistryRequestOptions = {},
  ): Promise<ManifestHead> {
    const target = this.manifestTarget(ref, 'HEAD');
    const res = await this.transport.send({
      ...target,
      method: 'HEAD',
      headers: { Accept: MANIFEST_ACCEPT },
      signal,
    });
    if (!res.ok) {
      throw await errorFromResponse(res, target.context, this.clock());
    }
    const digest = requireHeader(res, 'docker-content-digest', target.context);
    checkAnnouncedDigest(ref.digest, digest, target.context);
    const size = Number(requireHeader(res, 'content-length', target.context));
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RegistryResponseError(
        `Registry ${ref.registry} sent an invalid Content-Length for ${target.context.operation}`,
        res.status,
      );
    }
    const mediaType = requireHeader(res, 'content-type', target.context);
    const rateLimit = parseRateLimitHeaders(res.headers);
    return {
      digest,
      mediaType: mediaTypeOf(res) ?? mediaType,
      size,
      ...(rateLimit && { rateLimit }),
    };
  }

  /** A manifest with its raw bytes, checked against the digests announced and asked for. */
  async getManifest(
    ref: ImageRef,
    { signal }: RegistryRequestOptions = {},
  ): Promise<Manifest> {
    const target = this.manifestTarget(ref, 'GET');
    const res = await this.transport.send({
      ...target,
      method: 'GET',
      headers: { Accept: MANIFEST_ACCEPT },
      signal,
    });
    if (!res.ok) {
      throw await errorFromResponse(res, target.context, this.clock());
    }
    const bytes = await readBody(res, target.context, signal);
    const digest = sha256Digest(bytes);
    const announced = res.headers.get('docker-content-digest');
    if (announced && !digestMatches(bytes, announced)) {
      throw new ManifestInvalidError(
        `${target.context.operation} returned bytes with digest ${digest}, but the registry announced ${announced}`,
      );
    }
    if (ref.digest && !digestMatches(bytes, ref.digest)) {
      throw new ManifestInvalidError(
        `${target.context.operation} returned bytes with digest ${digest}, not the digest asked for`,
      );
    }
    const json = parseManifestJson(bytes, target.context);
    const mediaType = mediaTypeOf(res) ?? json.mediaType ?? '';
    const rateLimit = parseRateLimitHeaders(res.headers);
    return { digest, mediaType, bytes, json, ...(rateLimit && { rateLimit }) };
  }

  /**
   * Uploads a manifest under a tag or its digest and returns its digest,
   * checked against what the registry announces.
   */
  async putManifest(
    repositoryRef: RepositoryRef,
    tagOrDigest: string,
    bytes: Buffer,
    mediaType: string,
    { signal }: RegistryRequestOptions = {},
  ): Promise<string> {
    const digest = sha256Digest(bytes);
    const isDigest = tagOrDigest.includes(':');
    if (isDigest ? !DIGEST.test(tagOrDigest) : !TAG.test(tagOrDigest)) {
      throw new InputError(
        `tagOrDigest: '${tagOrDigest}' is neither a valid tag nor a valid digest`,
      );
    }
    const reference = `${repositoryRef.registry}/${repositoryRef.repository}${
      isDigest ? '@' : ':'
    }${tagOrDigest}`;
    if (isDigest && !digestMatches(bytes, tagOrDigest)) {
      throw new ManifestInvalidError(
        `Manifest for ${reference} has digest ${digest}, not the one it is pushed under`,
      );
    }
    const endpoint = this.endpointFor(repositoryRef);
    const context = {
      registry: repositoryRef.registry,
      repository: repositoryRef.repository,
      operation: `PUT manifest ${reference}`,
      manifestReference: reference,
    };
    const res = await this.transport.send({
      endpoint,
      repository: repositoryRef.repository,
      method: 'PUT',
      url: `/v2/${repositoryRef.repository}/manifests/${tagOrDigest}`,
      actions: 'pull,push',
      headers: { 'Content-Type': mediaType },
      body: bytes,
      context,
      signal,
    });
    if (!res.ok) {
      throw await errorFromResponse(res, context, this.clock());
    }
    await discardBody(res);
    checkAnnouncedDigest(
      digest,
      res.headers.get('docker-content-digest'),
      context,
    );
    return digest;
  }

  /**
   * Deletes a manifest by digest, with every tag that names it (the
   * registry's garbage collection frees the blobs later). `unsupported` when
   * the registry does not allow deletes (Distribution answers 405 unless
   * `storage.delete.enabled` is set); `absent` when it is already gone.
   */
  async deleteManifest(
    repo: RepositoryRef,
    digest: string,
    { signal }: RegistryRequestOptions = {},
  ): Promise<'deleted' | 'absent' | 'unsupported'> {
    const target = this.manifestTarget({ ...repo, digest }, 'DELETE');
    const res = await this.transport.send({
      ...target,
      method: 'DELETE',
      actions: 'pull,push,delete',
      signal,
    });
    if (res.status === 404) return 'absent';
    if (res.status === 405) return 'unsupported';
    if (!res.ok) {
      throw await errorFromResponse(res, target.context, this.clock());
    }
    await discardBody(res);
    return 'deleted';
  }

  /** Whether the repository holds a blob. */
  async blobExists(
    repo: RepositoryRef,
    digest: string,
    { signal }: RegistryRequestOptions = {},
  ): Promise<boolean> {
    const request = this.blobRequest(repo, digest, 'HEAD');
    const res = await this.transport.send({ ...request, signal });
    if (res.status === 404) return false;
    if (!res.ok) {
      throw await errorFromResponse(res, request.context, this.clock());
    }
    return true;
  }

  /** A blob's bytes, checked against its digest (an image config, for its platform). */
  async getBlob(
    repo: RepositoryRef,
    digest: string,
    { signal }: RegistryRequestOptions = {},
  ): Promise<Buffer> {
    const request = this.blobRequest(repo, digest, 'GET');
    const res = await this.transport.send({ ...request, signal });
    if (!res.ok) {
      throw await errorFromResponse(res, request.context, this.clock());
    }
    const bytes = await readBody(res, request.context, signal);
    if (!digestMatches(bytes, digest)) {
      throw new RegistryResponseError(
        `${request.context.operation} returned bytes with digest ${sha256Digest(
          bytes,
        )}`,
        res.status,
      );
    }
    return bytes;
  }

  /**
   * Uploads a blob in one request after opening an upload session
   * (POST, then PUT `<Location>&digest=`), and returns its digest.
   */
  async pushBlob(
    repo: RepositoryRef,
    bytes: Buffer,
    { signal }: RegistryRequestOptions = {},
  ): Promise<string> {
    const digest = sha256Digest(bytes);
    const endpoint = this.endpointFor(repo);
    const context = {
      registry: repo.registry,
      repository: repo.repository,
      operation: `blob upload ${digest} to ${repo.registry}/${repo.repository}`,
    };
    const common = {
      endpoint,
      repository: repo.repository,
      actions: 'pull,push',
      context,
      signal,
    } as const;
    const opened = await this.transport.send({
      ...common,
      method: 'POST',
      url: `/v2/${repo.repository}/blobs/uploads/`,
    });
    if (!opened.ok) {
      throw await errorFromResponse(opened, context, this.clock());
    }
    await discardBody(opened);
    const location = requireHeader(opened, 'location', context);
    // Location may be relative to the registry or absolute (another host).
    const upload = new URL(location, `${endpoint.origin}/v2/`).href;
    const separator = upload.includes('?') ? '&' : '?';
    const res = await this.transport.send({
      ...common,
      method: 'PUT',
      url: `${upload}${separator}digest=${encodeURIComponent(digest)}`,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    if (!res.ok) {
      throw await errorFromResponse(res, context, this.clock());
    }
    await discardBody(res);
    checkAnnouncedDigest(
      digest,
      res.headers.get('docker-content-digest'),
      context,
    );
    return digest;
  }

  /**
   * One page of a repository's tags (`GET /v2/<name>/tags/list?n=&last=`).
   * Pass `next` back for the following page. A repository the registry does
   * not know throws `ManifestNotFoundError`; one without tags gives `[]`.
   */
  async listTags(
    repo: RepositoryRef,
    options: TagListOptions = {},
  ): Promise<TagListPage> {
    checkTagListOptions(options);
    const endpoint = this.endpointFor(repo);
    return fetchTagPage(this.transport, endpoint, repo, options, this.clock);
  }

  /**
   * The manifests whose `subject` is `digest` (signatures, SBOMs,
   * attestations), from the referrers API or, where the registry has none,
   * from the referrers tag that pushing clients maintain.
   */
  async listReferrers(
    repo: RepositoryRef,
    digest: string,
    options: ReferrersOptions = {},
  ): Promise<Referrers> {
    if (!DIGEST.test(digest)) {
      throw new InputError(`digest: '${digest}' is not a valid digest`);
    }
    checkReferrersOptions(options);
    const endpoint = this.endpointFor(repo);
    return fetchReferrers(this.transport, endpoint, repo, digest, options, {
      now: this.clock,
      readTag: async (tag, signal) => {
        try {
          return (await this.getManifest({ ...repo, tag }, { signal })).json;
        } catch (e) {
          if (e instanceof ManifestNotFoundError) return undefined;
          throw e;
        }
      },
    });
  }

  private endpointFor(repo: RepositoryRef): RegistryEndpoint {
    assertRepositoryName(repo.repository);
    return resolveRegistryEndpoint(repo.registry, this.insecureHosts);
  }

  private manifestTarget(ref: ImageRef, method: string) {
    const endpoint = this.endpointFor(ref);
    const reference = ref.digest ?? ref.tag ?? DEFAULT_TAG;
    if (ref.digest ? !DIGEST.test(ref.digest) : !TAG.test(reference)) {
      throw new InputError(
        `reference: '${reference}' is not a valid tag or digest`,
      );
    }
    const display = formatImageRef(
      ref.digest
        ? {
            registry: ref.registry,
            repository: ref.repository,
            digest: ref.digest,
          }
        : {
            registry: ref.registry,
            repository: ref.repository,
            tag: reference,
          },
    );
    return {
      endpoint,
      repository: ref.repository,
      url: `/v2/${ref.repository}/manifests/${reference}`,
      actions: 'pull' as const,
      context: {
        registry: ref.registry,
        repository: ref.repository,
        operation: `${method} manifest ${display}`,
        manifestReference: display,
      },
    };
  }

  private blobRequest(
    repo: RepositoryRef,
    digest: string,
    method: 'HEAD' | 'GET',
  ): RegistryRequest {
    if (!DIGEST.test(digest)) {
      throw new InputError(`digest: '${digest}' is not a valid digest`);
    }
    return {
      endpoint: this.endpointFor(repo),
      repository: repo.repository,
      method,
      url: `/v2/${repo.repository}/blobs/${digest}`,
      actions: 'pull',
      context: {
        registry: repo.registry,
        repository: repo.repository,
        operation: `${method} blob ${repo.registry}/${repo.repository}@${digest}`,
      },
    };
  }
}
