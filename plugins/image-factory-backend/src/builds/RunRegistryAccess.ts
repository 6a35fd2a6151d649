import { ImageFactoryPushAuth } from '@image-factory/plugin-image-factory-node';
import { OciRegistryClient, RegistryCredentials } from '../registry';
import type { BuildRunContext } from './runContext';
import { errorTypeOf } from './errors';
import { RegistryCredentialSource } from './RegistryCredentialSource';

/**
 * A run's way to the registries: credentials from the credential source
 * (each secret handed to the run's log to remove), registry clients, and one
 * refresh of refused credentials.
 */
export class RunRegistryAccess {
  constructor(
    private readonly credentialSource: RegistryCredentialSource,
    private readonly ctx: Pick<BuildRunContext, 'log' | 'secrets'>,
  ) {}

  async credentials(host: string): Promise<RegistryCredentials | undefined> {
    const credentials = await this.credentialSource.get(host);
    if (credentials?.type === 'basic')
      this.ctx.secrets.add(credentials.password);
    if (credentials?.type === 'bearer') this.ctx.secrets.add(credentials.token);
    return credentials;
  }

  /** The credentials as the Docker engine takes them for a push or pull. */
  async engineAuth(host: string): Promise<ImageFactoryPushAuth | undefined> {
    return engineAuth(host, await this.credentials(host));
  }

  /** A client per call: a refreshed credential must not meet a cached token. */
  client(): OciRegistryClient {
    return OciRegistryClient.create({
      credentials: host => this.credentials(host),
      requestTimeoutMs: this.credentialSource.requestTimeoutMs,
    });
  }

  /**
   * Runs `fn` with the registry's credentials; when the registry refuses
   * them, asks the credential provider once for new ones and runs it again.
   * Without a provider that can refresh, the auth error stands.
   */
  async withAuth<T>(
    host: string,
    platform: string | undefined,
    fn: (credentials: RegistryCredentials | undefined) => Promise<T>,
  ): Promise<T> {
    let refreshed = false;
    for (;;) {
      const credentials = await this.credentials(host);
      try {
        return await fn(credentials);
      } catch (e) {
        if (refreshed || errorTypeOf(e) !== 'auth') throw e;
        if (!(await this.credentialSource.refresh(host))) throw e;
        refreshed = true;
        this.ctx.log.system(
          `The registry ${host} refused the credentials; trying once more with refreshed ones`,
          platform,
        );
      }
    }
  }
}

/** Registry credentials as the Docker engine takes them. */
export function engineAuth(
  host: string,
  credentials: RegistryCredentials | undefined,
): ImageFactoryPushAuth | undefined {
  if (!credentials) return undefined;
  if (credentials.type === 'basic') {
    return { ...credentials, serveraddress: host };
  }
  // The engine takes an identity token as the password of the user `<token>`.
  return {
    username: '<token>',
    password: credentials.token,
    serveraddress: host,
  };
}
