import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitHubTestServer,
  startGitHubTestServer,
} from '@image-factory/github-test-server';
import { ProviderConfig } from '@image-factory/plugin-image-factory-node';
import {
  ensureBinfmt,
  ensureDockerd,
  TestDockerd,
} from '../__testUtils__/ensureDockerd';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { DockerExecutor } from '../executor';
import { ProviderHealthChecker } from './ProviderHealthChecker';

jest.setTimeout(60_000);

const USERNAME = 'factory';
const PASSWORD = 'correct-horse';

describe('ProviderHealthChecker', () => {
  let dockerd: TestDockerd;
  let registry: TestRegistry;
  let github: GitHubTestServer;
  let s390x: boolean;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    [dockerd, registry, github] = await Promise.all([
      ensureDockerd(),
      startTestRegistry({ auth: { username: USERNAME, password: PASSWORD } }),
      startGitHubTestServer({ repos: [] }),
    ]);
    s390x = await ensureBinfmt('s390x');
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    await github?.stop();
  });

  function checker(password: string, token: string) {
    const host = new URL(github.webUrl).host;
    const providers: ProviderConfig[] = [
      {
        id: 'local-docker',
        kind: 'executor',
        implementation: 'docker',
        endpoint: `unix://${dockerd.socketPath}`,
      },
      {
        id: 'classic-docker',
        kind: 'executor',
        implementation: 'docker',
        endpoint: `unix://${dockerd.socketPath}`,
      },
      {
        id: 'gone',
        kind: 'executor',
        implementation: 'docker',
        endpoint: 'unix:///tmp/no-such-docker.sock',
      },
      {
        id: 'local',
        kind: 'registry',
        implementation: 'oci',
        endpoint: registry.host,
      },
      {
        id: 'down',
        kind: 'registry',
        implementation: 'oci',
        endpoint: '127.0.0.1:1',
      },
      {
        id: 'github',
        kind: 'source',
        implementation: 'github',
        endpoint: host,
      },
    ];
    return new ProviderHealthChecker({
      providers,
      executors: [
        DockerExecutor.create({
          id: 'local-docker',
          docker: dockerd.docker,
          logger,
        }),
        DockerExecutor.create({
          id: 'classic-docker',
          docker: dockerd.docker,
          logger,
          builder: 'classic',
        }),
        DockerExecutor.create({
          id: 'gone',
          docker: { socketPath: '/tmp/no-such-docker.sock' },
          logger,
        }),
      ],
      registryCredentials: async h =>
        h === registry.host
          ? { type: 'basic', username: USERNAME, password }
          : undefined,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            github: [{ host, apiBaseUrl: github.baseUrl, token }],
          },
        }),
      ),
      logger,
    });
  }

  it('reports the engine, the registry credentials and the GitHub token as valid, with no secret', async () => {
    const items = await checker(PASSWORD, github.token).check();
    const byId = Object.fromEntries(items.map(i => [i.id, i]));
    expect(byId['local-docker']).toMatchObject({
      type: 'executor',
      state: 'ok',
      nativePlatform: expect.stringMatching(/^linux\//),
      version: expect.any(String),
    });
    // With QEMU registered for s390x (root test machines), the engine emulates it.
    const emulated = s390x ? ['linux/s390x'] : [];
    expect(byId['local-docker'].emulatedPlatforms).toEqual(
      expect.arrayContaining(emulated),
    );
    expect(byId.gone.state).toBe('unreachable');
    expect(byId.gone.builder).toBeUndefined();
    expect(byId.local).toMatchObject({
      state: 'ok',
      message: 'Reachable; credentials accepted',
    });
    expect(byId.down.state).toBe('unreachable');
    expect(byId.down.message).toMatch(/^No answer from 127.0.0.1:1/);
    expect(byId.github).toMatchObject({ state: 'ok' });
    const text = JSON.stringify(items);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(github.token);
  });

  it("names each executor's builder: BuildKit with its Dockerfile frontend, or the classic builder", async () => {
    const items = await checker(PASSWORD, github.token).check();
    const byId = Object.fromEntries(items.map(i => [i.id, i]));
    const version = byId['local-docker'].version;
    const frontend = byId['local-docker'].builder?.dockerfileFrontend;
    expect(frontend).toMatch(/^1\.\d+$/);
    expect(byId['local-docker'].builder).toEqual({
      builder: 'buildkit',
      dockerfileFrontend: frontend,
      description: `Docker ${version} BuildKit (Dockerfile frontend ${frontend})`,
    });
    expect(byId['classic-docker'].builder).toEqual({
      builder: 'classic',
      description: `Docker ${version} classic builder`,
    });
  });

  it('tells a wrong registry password and a bad GitHub token apart from unreachable', async () => {
    const items = await checker('wrong-password', 'bad-token').check();
    const byId = Object.fromEntries(items.map(i => [i.id, i]));
    expect(byId.local.state).toBe('invalid-credentials');
    expect(byId.github.state).toBe('invalid-credentials');
    expect(JSON.stringify(items)).not.toContain('wrong-password');
  });

  it('answers from its cache for 30 seconds', async () => {
    let now = 0;
    const health = new ProviderHealthChecker({
      providers: [
        {
          id: 'local',
          kind: 'registry',
          implementation: 'oci',
          endpoint: registry.host,
        },
      ],
      executors: [],
      registryCredentials: async () => undefined,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      logger,
      clock: () => new Date(now),
    });
    const first = await health.check();
    expect(first[0].state).toBe('invalid-credentials');
    await registry.pause();
    try {
      now = 29_000;
      expect(await health.check()).toBe(first);
      now = 30_000;
      expect((await health.check())[0].state).toBe('unreachable');
    } finally {
      await registry.resume();
    }
  });
});
