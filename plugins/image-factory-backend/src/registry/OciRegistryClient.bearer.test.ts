import {
  FAKE_MANIFEST,
  FAKE_REGISTRY_PASSWORD as PAT,
  FAKE_REGISTRY_USER as USER,
  FAKE_TOKEN_LIFETIME_S as TOKEN_LIFETIME_S,
  FakeBearerRegistry,
} from '../__testUtils__/FakeBearerRegistry';
import { thrown } from '../__testUtils__/thrown';
import { sha256Digest } from './digest';
import {
  RegistryAuthError,
  RegistryRateLimitError,
  RegistryUnavailableError,
} from './errors';
import { OCI_IMAGE_INDEX } from './mediaTypes';
import { OciRegistryClient } from './OciRegistryClient';
import { RegistryCredentialsProvider } from './types';

describe('OciRegistryClient with a bearer-token registry', () => {
  let ghcr: FakeBearerRegistry;
  let now: Date;
  const pat = async () => ({
    type: 'basic' as const,
    username: USER,
    password: PAT,
  });
  const client = (credentials?: RegistryCredentialsProvider) =>
    OciRegistryClient.create({ credentials, clock: () => now });
  const ref = (repository: string, tag: string) => ({
    registry: ghcr.host,
    repository,
    tag,
  });

  beforeEach(async () => {
    now = new Date('2026-11-23T10:00:00Z');
    ghcr = new FakeBearerRegistry();
    await ghcr.start();
  });
  afterEach(async () => {
    await ghcr.stop();
    // Fails the test that sent a request the fake registry did not expect.
    if (ghcr.problems.length > 0) {
      throw new Error(`unexpected requests: ${ghcr.problems.join('; ')}`);
    }
  });

  it('fetches a token for the challenge once and reuses it for the next call', async () => {
    const c = client(pat);
    await expect(c.headManifest(ref('x/y', '1'))).resolves.toEqual({
      digest: sha256Digest(FAKE_MANIFEST),
      mediaType: OCI_IMAGE_INDEX,
      size: FAKE_MANIFEST.length,
    });
    const manifest = await c.getManifest(ref('x/y', '1'));
    expect(manifest.bytes).toEqual(FAKE_MANIFEST);

    expect(ghcr.tokenRequests).toEqual([
      {
        scope: 'repository:x/y:pull',
        authorization: `Basic ${Buffer.from(`${USER}:${PAT}`).toString(
          'base64',
        )}`,
      },
    ]);
    expect(ghcr.registryAuthorizations).toEqual([
      undefined,
      'Bearer tok-1',
      'Bearer tok-1',
    ]);
  });

  it('fetches a new token once the cached one has expired', async () => {
    const c = client(pat);
    await c.headManifest(ref('x/y', '1'));
    now = new Date(now.getTime() + (TOKEN_LIFETIME_S + 1) * 1000);
    await c.headManifest(ref('x/y', '1'));

    expect(ghcr.tokenRequests).toHaveLength(2);
    expect(ghcr.registryAuthorizations).toEqual([
      undefined,
      'Bearer tok-1',
      undefined,
      'Bearer tok-2',
    ]);
  });

  it('sends a configured bearer token directly, without the token service', async () => {
    const staticToken = Buffer.from(PAT).toString('base64');
    ghcr.tokens.set(staticToken, 'repository:x/y:pull');
    const c = client(async () => ({ type: 'bearer', token: staticToken }));
    await c.headManifest(ref('x/y', '1'));
    await c.headManifest(ref('x/y', '1'));
    expect(ghcr.tokenRequests).toEqual([]);
    expect(ghcr.registryAuthorizations).toEqual([
      undefined,
      `Bearer ${staticToken}`,
      `Bearer ${staticToken}`,
    ]);
  });

  it('pushes a blob through a relative Location with a push-scoped token', async () => {
    const blob = Buffer.from('layer bytes');
    await expect(
      client(pat).pushBlob({ registry: ghcr.host, repository: 'x/y' }, blob),
    ).resolves.toBe(sha256Digest(blob));
    expect(ghcr.tokenRequests.map(r => r.scope)).toEqual([
      'repository:x/y:pull,push',
    ]);
    expect(ghcr.uploads).toEqual([
      { method: 'POST', authorization: undefined },
      { method: 'POST', authorization: 'Bearer tok-1' },
      { method: 'PUT', authorization: 'Bearer tok-1' },
    ]);
  });

  it('sends no credentials to an upload Location on another origin', async () => {
    const blob = Buffer.from('layer bytes');
    await expect(
      client(pat).pushBlob(
        { registry: ghcr.host, repository: 'x/elsewhere' },
        blob,
      ),
    ).resolves.toBe(sha256Digest(blob));
    expect(ghcr.uploads).toEqual([
      { method: 'POST', authorization: undefined },
      { method: 'POST', authorization: 'Bearer tok-1' },
      { method: 'PUT', authorization: undefined },
    ]);
  });

  it('asks for an anonymous token when no credentials are configured', async () => {
    await client().headManifest(ref('x/y', '1'));
    expect(ghcr.tokenRequests).toEqual([
      { scope: 'repository:x/y:pull', authorization: undefined },
    ]);
  });

  it('throws RegistryAuthError when the token service refuses the credentials', async () => {
    const wrong = async () => ({
      type: 'basic' as const,
      username: USER,
      password: `${PAT}-wrong`,
    });
    const error = await thrown(() =>
      client(wrong).headManifest(ref('x/y', '1')),
    );
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect(error).toMatchObject({ transient: false });
    expect(error.message).toContain(ghcr.host);
    expect(error.message).toContain('x/y');
    expect(error.message).not.toContain(PAT);
  });

  it('throws RegistryAuthError when the registry refuses the token it was given', async () => {
    const error = await thrown(() =>
      client(pat).getManifest(ref('x/denied', '1')),
    );
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect(error.message).toContain(ghcr.host);
    expect(error.message).toContain('x/denied');
    expect(error.message).not.toContain('tok-1');
    expect(error.message).not.toContain(PAT);
    expect(ghcr.registryAuthorizations).toEqual([undefined, 'Bearer tok-1']);
  });

  it('turns 429 with Retry-After seconds into RegistryRateLimitError', async () => {
    const error = await thrown(() =>
      client(pat).headManifest(ref('x/y', 'limited')),
    );
    expect(error).toBeInstanceOf(RegistryRateLimitError);
    expect(error).toMatchObject({ transient: true, retryAfterMs: 7000 });
  });

  it('reads a Retry-After date relative to the clock', async () => {
    ghcr.retryAfter = new Date(now.getTime() + 30_000).toUTCString();
    const error = await thrown(() =>
      client(pat).getManifest(ref('x/y', 'limited')),
    );
    expect(error).toBeInstanceOf(RegistryRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 30_000 });
    expect(error.message).toContain('TOOMANYREQUESTS: slow down');
  });

  it('turns 503 into transient RegistryUnavailableError with the error body', async () => {
    const error = await thrown(() =>
      client(pat).getManifest(ref('x/y', 'broken')),
    );
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(error).toMatchObject({ transient: true });
    expect(error.message).toContain('UNAVAILABLE: backend down');
  });
});
