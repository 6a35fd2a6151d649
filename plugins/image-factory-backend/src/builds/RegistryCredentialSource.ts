import { ImageFactoryCredentialProvider } from '@image-factory/plugin-image-factory-node';
import { RegistryCredentials } from '../registry';

/**
 * The credentials of a registry host: from the first credential provider a
 * module added that handles the host, else from
 * `imageFactory.providers.registries`. Never logged. It also carries the
 * request timeout the build engine's registry clients use.
 */
export class RegistryCredentialSource {
  /** `imageFactory.registries.requestTimeout`; the client's default when absent. */
  readonly requestTimeoutMs?: number;

  constructor(
    private readonly options: {
      providers: ImageFactoryCredentialProvider[];
      configured: Map<string, { username: string; password: string }>;
      requestTimeoutMs?: number;
    },
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs;
  }

  async get(host: string): Promise<RegistryCredentials | undefined> {
    const provider = this.provider(host);
    if (provider) return provider.getCredentials(host);
    const basic = this.options.configured.get(host);
    return basic && { type: 'basic', ...basic };
  }

  /**
   * Asks the host's credential provider for new credentials after the
   * registry refused them; false when there is nothing to refresh.
   */
  async refresh(host: string): Promise<boolean> {
    const provider = this.provider(host);
    if (!provider?.refresh) return false;
    await provider.refresh(host);
    return true;
  }

  /** Every configured secret, to remove from logs. */
  secrets(): string[] {
    return [...this.options.configured.values()].map(c => c.password);
  }

  private provider(host: string) {
    return this.options.providers.find(p => p.handles(host));
  }
}
