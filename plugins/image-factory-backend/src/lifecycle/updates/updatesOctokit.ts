import { ServiceUnavailableError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  ProviderConfig,
  sourceWebUrl,
} from '@image-factory/plugin-image-factory-node';
import { Octokit } from '@octokit/rest';
import { OctokitSource } from './githubCall';

const quiet = () => {};

/**
 * GitHub for the repositories that use the images: they live on the
 * factory's GitHub source host (its `source` provider's endpoint, else
 * github.com), reached with that host's `integrations.github` credentials
 * (a token, or a GitHub App installation per organisation).
 */
export function updatesOctokit(options: {
  providers: ProviderConfig[];
  integrations: ScmIntegrations;
}): OctokitSource {
  const credentials = DefaultGithubCredentialsProvider.fromIntegrations(
    options.integrations,
  );
  const source = options.providers.find(
    p => p.kind === 'source' && p.implementation === 'github',
  ) ?? { endpoint: 'github.com' };
  const web = sourceWebUrl(source);
  const host = source.endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return async repository => {
    const integration = options.integrations.github.byHost(host);
    if (!integration) {
      throw new ServiceUnavailableError(
        `No integrations.github entry for ${host}: the factory cannot open pull requests in ${repository}`,
      );
    }
    const { token } = await credentials.getCredentials({
      url: `${web}/${repository}`,
    });
    return new Octokit({
      baseUrl: integration.config.apiBaseUrl,
      ...(token ? { auth: token } : {}),
      userAgent: 'backstage-image-factory',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
  };
}
