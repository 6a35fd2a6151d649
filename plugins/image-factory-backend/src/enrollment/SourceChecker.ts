import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { assertError, ServiceUnavailableError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  FieldIssue,
  ImageEntry,
} from '@image-factory/plugin-image-factory-common';
import {
  ProviderConfig,
  sourceWebUrl,
} from '@image-factory/plugin-image-factory-node';
import { Octokit } from '@octokit/rest';
import { analyzeDockerfile } from '../analysis';
import { describeUnsupported, unsupportedBuildFeatures } from '../executor';
import { ExecutorBuilder } from './executorBuilders';
import { GitHubRequestError } from './githubErrors';
import { withRetries } from './withRetries';

/** Retries of a GitHub 5xx or network failure while checking a source. */
const SOURCE_RETRIES = 2;
/** The longest rate-limit wait while checking a source; longer ones answer 429. */
const SOURCE_MAX_RETRY_AFTER_MS = 5_000;

/** What a proposed image's source turned out to be. */
export interface SourceCheck {
  /** One issue per field that cannot work, each `image.source.<field>`. */
  issues: FieldIssue[];
  /** The base references its Dockerfile builds FROM, when it could be read and analyzed. */
  bases?: string[];
}

type Source = NonNullable<ImageEntry['source']>;

const quiet = () => {};

/** Messages are joined with `; ` into one answer, so none may contain it. */
function oneClause(message: string) {
  return message.replace(/;\s/g, ', ');
}

/**
 * Checks the source of a proposed image the way the factory will read it:
 * the repository and branch through the GitHub API with the credentials of
 * the source host's `integrations.github` entry, the Dockerfile through
 * Backstage's UrlReader (as the resolver and the build engine read it), then
 * the Dockerfile's bases through the analysis. A missing or unreadable part
 * becomes an issue naming its field; a failure of the host itself (bad
 * credentials, host down) is thrown, since the user cannot fix it.
 */
export class SourceChecker {
  private readonly credentials: DefaultGithubCredentialsProvider;

  static create(options: {
    urlReader: UrlReaderService;
    providers: ProviderConfig[];
    integrations: ScmIntegrations;
    logger: LoggerService;
    /** The executors' builders, to refuse a Dockerfile none of them can build. */
    builders?: () => Promise<ExecutorBuilder[]>;
  }) {
    return new SourceChecker(options);
  }

  private constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      providers: ProviderConfig[];
      integrations: ScmIntegrations;
      logger: LoggerService;
      builders?: () => Promise<ExecutorBuilder[]>;
    },
  ) {
    this.credentials = DefaultGithubCredentialsProvider.fromIntegrations(
      options.integrations,
    );
  }

  async check(image: ImageEntry): Promise<SourceCheck> {
    const source = image.source;
    if (!source) return { issues: [] };
    const host = this.options.providers.find(
      p => p.kind === 'source' && p.implementation === source.provider,
    );
    if (!host) {
      return {
        issues: [
          {
            path: 'image.source.provider',
            message: `no source host of type ${source.provider} is configured (imageFactory.providers.sources)`,
          },
        ],
      };
    }
    const repoUrl = `${sourceWebUrl(host)}/${source.repo}`;
    const octokit = await this.octokit(host.endpoint, repoUrl);
    const [owner, repo] = source.repo.split('/');

    const found = await this.ask(
      () => octokit.rest.repos.get({ owner, repo }),
      source,
      'read the repository',
    );
    if (!found) {
      return {
        issues: [
          {
            path: 'image.source.repo',
            message: `repository ${source.repo} does not exist or is not readable by the factory`,
          },
        ],
      };
    }
    const branch = await this.ask(
      () =>
        octokit.rest.git.getRef({
          owner,
          repo,
          ref: `heads/${source.branch}`,
        }),
      source,
      `read the branch ${source.branch}`,
    );
    if (!branch) {
      return {
        issues: [
          {
            path: 'image.source.branch',
            message: `branch ${source.branch} does not exist in ${source.repo}`,
          },
        ],
      };
    }

    const issues: FieldIssue[] = [];
    if (source.context !== '.') {
      const context = await this.contextIssue(octokit, source);
      if (context) issues.push(context);
    }
    const text = await this.readDockerfile(repoUrl, source);
    if (text === undefined) {
      issues.push({
        path: 'image.source.dockerfile',
        message: `${source.dockerfile} does not exist in ${source.repo} on branch ${source.branch}`,
      });
      return { issues };
    }
    const bases = new Set<string>();
    for (const platform of image.platforms) {
      const analysis = analyzeDockerfile(text, {
        file: source.dockerfile,
        buildArgs: image.buildArgs,
        platform,
      });
      for (const error of analysis.errors) {
        const message = oneClause(error.message);
        if (!issues.some(i => i.message === message)) {
          issues.push({ path: 'image.source.dockerfile', message });
        }
      }
      analysis.bases.forEach(b => bases.add(b.reference));
    }
    const unbuildable = await this.builderIssue(text);
    if (unbuildable) issues.push(unbuildable);
    return { issues, bases: [...bases] };
  }

  /**
   * An issue when the Dockerfile uses syntax (a heredoc, `COPY --link`, `RUN
   * --mount` on a classic builder) that no executor's builder reads, naming
   * the line and what it needs.
   */
  private async builderIssue(text: string): Promise<FieldIssue | undefined> {
    const builders = (await this.options.builders?.()) ?? [];
    if (builders.length === 0) return undefined;
    const refusals = builders.map(builder => ({
      builder,
      unsupported: unsupportedBuildFeatures(text, builder),
    }));
    if (refusals.some(r => r.unsupported.length === 0)) return undefined;
    const best = refusals.reduce((a, b) =>
      b.unsupported.length < a.unsupported.length ? b : a,
    );
    return {
      path: 'image.source.dockerfile',
      message: oneClause(
        `${describeUnsupported(
          best.unsupported,
          `executor ${best.builder.executorId} (${best.builder.description})`,
        )}${refusals.length > 1 ? ', nor does any other executor' : ''}`,
      ),
    };
  }

  /**
   * One GitHub call, retried on 5xx answers and network failures like the
   * factory's own calls; undefined when GitHub answers 404. Other failures
   * are the host's, not the user's, and are thrown with what to fix.
   */
  private async ask<T>(
    call: () => Promise<T>,
    source: Source,
    action: string,
  ): Promise<T | undefined> {
    try {
      return await withRetries(call, {
        maxRetries: SOURCE_RETRIES,
        maxRetryAfterMs: SOURCE_MAX_RETRY_AFTER_MS,
        logger: this.options.logger,
        context: { action, repo: source.repo, host: this.hostOf(source) },
      });
    } catch (error) {
      if (error instanceof GitHubRequestError && error.githubStatus === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private hostOf(source: Source) {
    return (
      this.options.providers.find(
        p => p.kind === 'source' && p.implementation === source.provider,
      )?.endpoint ?? source.provider
    );
  }

  private async contextIssue(
    octokit: Octokit,
    source: Source,
  ): Promise<FieldIssue | undefined> {
    const [owner, repo] = source.repo.split('/');
    const answer = await this.ask(
      () =>
        octokit.rest.repos.getContent({
          owner,
          repo,
          path: source.context,
          ref: source.branch,
        }),
      source,
      `read ${source.context}`,
    );
    return answer && Array.isArray(answer.data)
      ? undefined
      : {
          path: 'image.source.context',
          message: `${source.context} is not a directory in ${source.repo} on branch ${source.branch}`,
        };
  }

  /** The Dockerfile through the UrlReader, as builds read it; undefined when it is not there. */
  private async readDockerfile(
    repoUrl: string,
    source: Source,
  ): Promise<string | undefined> {
    const url = `${repoUrl}/blob/${source.branch}/${source.dockerfile}`;
    try {
      const response = await this.options.urlReader.readUrl(url);
      return (await response.buffer()).toString('utf8');
    } catch (error) {
      assertError(error);
      if (error.name === 'NotFoundError') return undefined;
      throw new ServiceUnavailableError(
        `Could not read ${source.dockerfile} from ${source.repo}: ${error.message}`,
      );
    }
  }

  private async octokit(endpoint: string, repoUrl: string): Promise<Octokit> {
    const host = endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    const integration = this.options.integrations.github.byHost(host);
    if (!integration) {
      throw new ServiceUnavailableError(
        `No integrations.github entry for the source host ${host}: the factory cannot read its repositories`,
      );
    }
    const { token } = await this.credentials.getCredentials({ url: repoUrl });
    return new Octokit({
      baseUrl: integration.config.apiBaseUrl,
      ...(token ? { auth: token } : {}),
      userAgent: 'backstage-image-factory',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  }
}
