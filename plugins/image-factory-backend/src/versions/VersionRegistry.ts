import {
  ImageFactoryRegistryAdapter,
  RegistryAdapterContext,
  RegistryRepository,
  RegistryTagPage,
} from '@image-factory/plugin-image-factory-node';
import { CustomErrorBase } from '@backstage/errors';
import {
  Manifest,
  ManifestHead,
  OciDescriptor,
  OciRegistryClient,
  RegistryCredentials,
  RepositoryRef,
} from '../registry';
import { requestSignal } from '../registry/requestSignal';
import { RegistryBudgets } from '../tracking';

/** The registry host's request budget is kept for digest checks until `until`. */
export class VersionBudgetSpentError extends CustomErrorBase {
  name = 'VersionBudgetSpentError' as const;
  constructor(readonly host: string, readonly until: Date) {
    super(
      `The request budget of ${host} is kept for digest checks until ${until.toISOString()}`,
    );
  }
}

/** The config says never to ask this registry host. */
export class RegistryDisabledError extends CustomErrorBase {
  name = 'RegistryDisabledError' as const;
  constructor(readonly host: string) {
    super(
      `${host} is switched off in imageFactory.tracking.registries (enabled: false): the factory does not ask it`,
    );
  }
}

/**
 * The registry as the Versions view reads it: every request first takes a
 * token from the upper half of the host's budget (digest checks keep the
 * lower half), then goes through the OCI client or the host's adapter.
 */
export class VersionRegistry {
  constructor(
    private readonly options: {
      client: OciRegistryClient;
      budgets: RegistryBudgets;
      /** Module adapters first, then the built-in hub adapters, the OCI one last. */
      adapters: ImageFactoryRegistryAdapter[];
      credentials: (host: string) => Promise<RegistryCredentials | undefined>;
      requestTimeoutMs: number;
      clock?: () => Date;
    },
  ) {}

  /** The adapters that handle the host, in the order to try them. */
  adaptersFor(host: string): ImageFactoryRegistryAdapter[] {
    return this.options.adapters.filter(a => a.handles(host));
  }

  async listTags(
    adapter: ImageFactoryRegistryAdapter,
    repository: RegistryRepository,
    options: { cursor?: string; pageSize: number },
    signal?: AbortSignal,
  ): Promise<RegistryTagPage> {
    const context: RegistryAdapterContext = {
      fetch: async (url, init = {}) => {
        const { budgetHost, ...rest } = init;
        await this.take(budgetHost ?? repository.host);
        return fetch(url, {
          ...rest,
          // Times out with a RegistryTimeoutError naming the host, as the OCI client's requests do.
          signal: requestSignal({
            registry: budgetHost ?? repository.host,
            operation: `${adapter.id} tag listing of ${repository.host}/${repository.repository}`,
            timeoutMs: this.options.requestTimeoutMs,
            signal: rest.signal ?? signal,
          }),
        });
      },
      credentials: host => this.options.credentials(host),
      signal,
    };
    // The OCI adapter sends through the client, which the budget does not see.
    if (adapter.id === 'oci') await this.take(repository.host);
    return adapter.listTags(repository, options, context);
  }

  async headManifest(
    repo: RepositoryRef,
    tag: string,
    signal?: AbortSignal,
  ): Promise<ManifestHead> {
    await this.take(repo.registry);
    return this.options.client.headManifest({ ...repo, tag }, { signal });
  }

  async getManifest(
    repo: RepositoryRef,
    digest: string,
    signal?: AbortSignal,
  ): Promise<Manifest> {
    await this.take(repo.registry);
    return this.options.client.getManifest({ ...repo, digest }, { signal });
  }

  async getBlob(
    repo: RepositoryRef,
    digest: string,
    signal?: AbortSignal,
  ): Promise<Buffer> {
    await this.take(repo.registry);
    return this.options.client.getBlob(repo, digest, { signal });
  }

  async listReferrers(
    repo: RepositoryRef,
    digest: string,
    signal?: AbortSignal,
  ): Promise<{
    descriptors: OciDescriptor[];
    source: 'referrers-api' | 'referrers-tag';
  }> {
    await this.take(repo.registry);
    return this.options.client.listReferrers(repo, digest, { signal });
  }

  private async take(host: string): Promise<void> {
    const now = (this.options.clock ?? (() => new Date()))();
    const taken = await this.options.budgets.takeSurplus(host, now);
    if (taken === 'disabled') throw new RegistryDisabledError(host);
    if (taken !== true) throw new VersionBudgetSpentError(host, taken);
  }
}
