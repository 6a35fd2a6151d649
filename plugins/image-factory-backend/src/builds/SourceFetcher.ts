import { UrlReaderService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { ProviderConfig } from '@image-factory/plugin-image-factory-node';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';
import { SourceFetchError } from './errors';

/** A build context on disk, fetched at one revision. */
export interface FetchedSource {
  /** The commit that was fetched. */
  revision: string;
  /** The directory to send to the engine. */
  contextDir: string;
  /** The Dockerfile, relative to `contextDir`. */
  dockerfile: string;
  /** `sha256:` of the Dockerfile's bytes. */
  dockerfileDigest: string;
  /** The Dockerfile's text. */
  dockerfileText: string;
  /** The repository's web URL, for the `org.opencontainers.image.source` label. */
  repositoryUrl: string;
}

/** Where a Dockerfile outside the build context is put inside it. */
const OUTSIDE_DOCKERFILE = '.image-factory.Dockerfile';

function webBase(endpoint: string): string {
  return /^https?:\/\//.test(endpoint)
    ? endpoint.replace(/\/+$/, '')
    : `https://${endpoint}`;
}

function posixRelative(from: string, to: string): string | undefined {
  const rel = path.posix.relative(from === '.' ? '' : from, to);
  return rel && !rel.startsWith('../') && rel !== '..' ? rel : undefined;
}

/** Turns what the UrlReader threw into a {@link SourceFetchError}. */
function fetchError(what: string, error: unknown): SourceFetchError {
  assertError(error);
  if (error.name === 'NotFoundError') {
    return new SourceFetchError(`${what}: not found`, {
      cause: error,
      notFound: true,
    });
  }
  // GithubUrlReader throws plain errors for other answers, with the status in
  // the message; a 5xx, a rate limit or a connection failure may pass.
  const transient =
    /\b5\d\d\b|rate limit|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|network/i.test(
      `${error.message} ${(error as { code?: string }).code ?? ''}`,
    );
  return new SourceFetchError(`${what}: ${error.message}`, {
    cause: error,
    transient,
  });
}

/**
 * Fetches an image's build context from its source host with Backstage's
 * UrlReader (`readTree` of the context directory on the branch, which gives
 * the commit it read as `etag`), so the host's integration config and
 * credentials apply.
 */
export class SourceFetcher {
  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      providers: ProviderConfig[];
    },
  ) {}

  async fetch(
    image: ImageEntityV1alpha1,
    targetDir: string,
    signal?: AbortSignal,
  ): Promise<FetchedSource> {
    const source = image.spec.source;
    if (!source) {
      throw new SourceFetchError(`Image ${image.metadata.name} has no source`);
    }
    const host = this.options.providers.find(
      p => p.kind === 'source' && p.implementation === source.provider,
    );
    if (!host) {
      throw new SourceFetchError(
        `No source host of type ${source.provider} is configured (imageFactory.providers.sources)`,
      );
    }
    const repositoryUrl = `${webBase(host.endpoint)}/${source.repo}`;
    const context = path.posix.normalize(source.context || '.');
    const treeUrl = `${repositoryUrl}/tree/${source.branch}${
      context === '.' ? '' : `/${context}`
    }`;
    const what = `Fetching ${source.repo}@${source.branch}${
      context === '.' ? '' : ` (${context})`
    }`;

    let revision: string;
    try {
      const tree = await this.options.urlReader.readTree(treeUrl, { signal });
      await tree.dir({ targetDir });
      revision = tree.etag;
    } catch (e) {
      throw fetchError(what, e);
    }

    let dockerfile = posixRelative(context, source.dockerfile);
    if (!dockerfile) {
      // Like the Docker CLI, a Dockerfile outside the context is sent along.
      let bytes: Buffer;
      try {
        const response = await this.options.urlReader.readUrl(
          `${repositoryUrl}/blob/${revision}/${source.dockerfile}`,
          { signal },
        );
        bytes = await response.buffer();
      } catch (e) {
        throw fetchError(`Fetching ${source.dockerfile}`, e);
      }
      dockerfile = OUTSIDE_DOCKERFILE;
      await fs.writeFile(path.join(targetDir, dockerfile), bytes);
    }
    let dockerfileBytes: Buffer;
    try {
      dockerfileBytes = await fs.readFile(path.join(targetDir, dockerfile));
    } catch {
      throw new SourceFetchError(
        `${source.dockerfile}: no such file in ${source.repo} at ${revision}`,
        { notFound: true },
      );
    }
    return {
      revision,
      contextDir: targetDir,
      dockerfile,
      dockerfileDigest: `sha256:${createHash('sha256')
        .update(dockerfileBytes)
        .digest('hex')}`,
      dockerfileText: dockerfileBytes.toString('utf8'),
      repositoryUrl,
    };
  }
}
