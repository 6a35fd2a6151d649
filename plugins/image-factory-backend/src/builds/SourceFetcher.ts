import { UrlReaderService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import {
  ProviderConfig,
  sourceWebUrl,
} from '@image-factory/plugin-image-factory-node';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
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
 * The branch is still at the revision the caller knew: only its Dockerfile
 * was read, nothing is on disk.
 */
export type UnchangedSource = Omit<
  FetchedSource,
  'contextDir' | 'dockerfile'
> & {
  unchanged: true;
};

interface SharedTree {
  revision: string;
  /** Absent when the branch was still at the known revision. */
  dir?: string;
}

/** Resolves with `promise`, or rejects as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `dir` joined with a repository path; undefined when it leaves `dir`. */
function inside(dir: string, repoPath: string): string | undefined {
  const resolved = path.resolve(dir, repoPath);
  return resolved === dir || resolved.startsWith(`${dir}${path.sep}`)
    ? resolved
    : undefined;
}

/**
 * Fetches an image's build context from its source host with Backstage's
 * UrlReader (`readTree` of the branch, which gives the commit it read as
 * `etag`), so the host's integration config and credentials apply.
 *
 * Runs that fetch the same branch at the same time share one download: hosts
 * send the whole repository's archive whatever part is asked for, and images
 * of one repository are often rebuilt together. Given the revision of the
 * last build, a branch that did not move costs two small requests (its head,
 * the Dockerfile) instead of the archive, so an unchanged run is skipped
 * without downloading anything.
 */
export class SourceFetcher {
  private readonly trees = new Map<
    string,
    { tree: Promise<SharedTree>; users: number }
  >();

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
    knownRevision?: string,
  ): Promise<FetchedSource | UnchangedSource> {
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
    const repositoryUrl = `${sourceWebUrl(host)}/${source.repo}`;
    const context = path.posix.normalize(source.context || '.');
    const what = `Fetching ${source.repo}@${source.branch}`;
    const treeUrl = `${repositoryUrl}/tree/${source.branch}`;

    return this.withTree(treeUrl, what, knownRevision, signal, async tree => {
      if (!tree.dir) {
        return {
          unchanged: true,
          revision: tree.revision,
          ...dockerfileFacts(
            await this.readFile(
              repositoryUrl,
              tree.revision,
              source.dockerfile,
              signal,
            ),
          ),
          repositoryUrl,
        };
      }
      const contextDir = inside(tree.dir, context);
      const stat = contextDir
        ? await fs.stat(contextDir).catch(() => null)
        : null;
      if (!contextDir || !stat?.isDirectory()) {
        throw new SourceFetchError(
          `${source.context}: no such directory in ${source.repo} at ${tree.revision}`,
          { notFound: true },
        );
      }
      await fs.cp(contextDir, targetDir, {
        recursive: true,
        verbatimSymlinks: true,
      });
      let dockerfile = posixRelative(context, source.dockerfile);
      if (!dockerfile) {
        // Like the Docker CLI, a Dockerfile outside the context is sent along.
        dockerfile = OUTSIDE_DOCKERFILE;
        const outside = inside(tree.dir, source.dockerfile);
        if (outside) {
          await fs
            .copyFile(outside, path.join(targetDir, dockerfile))
            .catch(() => undefined);
        }
      }
      let dockerfileBytes: Buffer;
      try {
        dockerfileBytes = await fs.readFile(path.join(targetDir, dockerfile));
      } catch {
        throw new SourceFetchError(
          `${source.dockerfile}: no such file in ${source.repo} at ${tree.revision}`,
          { notFound: true },
        );
      }
      return {
        revision: tree.revision,
        contextDir: targetDir,
        dockerfile,
        ...dockerfileFacts(dockerfileBytes),
        repositoryUrl,
      };
    });
  }

  private async readFile(
    repositoryUrl: string,
    revision: string,
    file: string,
    signal?: AbortSignal,
  ): Promise<Buffer> {
    try {
      const response = await this.options.urlReader.readUrl(
        `${repositoryUrl}/blob/${revision}/${file}`,
        { signal },
      );
      return await response.buffer();
    } catch (e) {
      throw fetchError(`Fetching ${file}`, e);
    }
  }

  /**
   * Runs `fn` with the branch's tree on disk, downloading it unless a
   * download of the same branch is under way or still in use; the tree is
   * removed when its last user is done.
   */
  private async withTree<T>(
    treeUrl: string,
    what: string,
    knownRevision: string | undefined,
    signal: AbortSignal | undefined,
    fn: (tree: SharedTree) => Promise<T>,
  ): Promise<T> {
    const key = `${treeUrl}#${knownRevision ?? ''}`;
    let entry = this.trees.get(key);
    if (!entry) {
      const created = {
        tree: this.download(treeUrl, what, knownRevision),
        users: 0,
      };
      // A failed download is not shared with later tries.
      created.tree.catch(() => {
        if (this.trees.get(key) === created) this.trees.delete(key);
      });
      this.trees.set(key, created);
      entry = created;
    }
    entry.users++;
    try {
      return await fn(await abortable(entry.tree, signal));
    } finally {
      if (--entry.users === 0) {
        if (this.trees.get(key) === entry) this.trees.delete(key);
        entry.tree
          .then(tree =>
            tree.dir
              ? fs.rm(tree.dir, { recursive: true, force: true })
              : undefined,
          )
          .catch(() => undefined);
      }
    }
  }

  private async download(
    treeUrl: string,
    what: string,
    knownRevision: string | undefined,
  ): Promise<SharedTree> {
    const dir = await fs.mkdtemp(
      path.join(os.tmpdir(), 'image-factory-source-'),
    );
    try {
      // Not a run's signal: other runs may wait for the same download.
      const tree = await this.options.urlReader.readTree(treeUrl, {
        etag: knownRevision,
      });
      await tree.dir({ targetDir: dir });
      return { dir, revision: tree.etag };
    } catch (e) {
      await fs.rm(dir, { recursive: true, force: true });
      if (knownRevision && (e as Error)?.name === 'NotModifiedError') {
        return { revision: knownRevision };
      }
      throw fetchError(what, e);
    }
  }
}

function dockerfileFacts(bytes: Buffer) {
  return {
    dockerfileDigest: `sha256:${createHash('sha256')
      .update(bytes)
      .digest('hex')}`,
    dockerfileText: bytes.toString('utf8'),
  };
}
