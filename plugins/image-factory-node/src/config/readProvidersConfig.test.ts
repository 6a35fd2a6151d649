import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  DEFAULT_DOCKER_HOST,
  DEFAULT_EXECUTOR_CONCURRENCY,
  normalizeRegistryHost,
  readProvidersConfig,
} from './readProvidersConfig';

// The portal's own config, loaded through backstage-cli's YAML transform, so
// this test breaks when app-config.yaml and the reader drift apart.
const appConfig = jest.requireActual(
  '../../../../app-config.yaml',
) as JsonObject;

function withProviders(providers: JsonObject) {
  return new ConfigReader({ imageFactory: { providers } });
}

function readError(providers: JsonObject): string {
  try {
    readProvidersConfig(withProviders(providers));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('readProvidersConfig did not throw');
}

describe('readProvidersConfig', () => {
  it('defaults to the local Docker engine and github.com with no config', () => {
    expect(readProvidersConfig(new ConfigReader({}))).toEqual([
      {
        id: 'local-docker',
        kind: 'executor',
        implementation: 'docker',
        endpoint: DEFAULT_DOCKER_HOST,
        platforms: ['linux/amd64'],
        emulatedPlatforms: [],
        concurrency: DEFAULT_EXECUTOR_CONCURRENCY,
      },
      {
        id: 'github',
        kind: 'source',
        implementation: 'github',
        endpoint: 'github.com',
        webUrl: 'https://github.com',
      },
    ]);
  });

  it('reads the providers of app-config.yaml', () => {
    expect(readProvidersConfig(new ConfigReader(appConfig))).toEqual([
      {
        id: 'local-docker',
        kind: 'executor',
        implementation: 'docker',
        endpoint: 'unix:///var/run/docker.sock',
        platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
        emulatedPlatforms: ['linux/arm64', 'linux/s390x'],
        concurrency: 2,
      },
      {
        id: 'local',
        kind: 'registry',
        implementation: 'oci',
        endpoint: 'localhost:5000',
      },
      {
        id: 'github',
        kind: 'source',
        implementation: 'github',
        endpoint: 'github.com',
        webUrl: 'https://github.com',
      },
    ]);
  });

  it('keeps the default executor and source when only registries are configured', () => {
    const providers = readProvidersConfig(
      withProviders({
        registries: { ghcr: { type: 'ghcr', host: 'ghcr.io' } },
      }),
    );
    expect(providers.map(p => `${p.kind}/${p.id}`)).toEqual([
      'executor/local-docker',
      'registry/ghcr',
      'source/github',
    ]);
  });

  it('applies the executor defaults to a bare entry', () => {
    const [executor] = readProvidersConfig(
      withProviders({ executors: { builder: {} } }),
    );
    expect(executor).toEqual({
      id: 'builder',
      kind: 'executor',
      implementation: 'docker',
      endpoint: DEFAULT_DOCKER_HOST,
      platforms: ['linux/amd64'],
      emulatedPlatforms: [],
      concurrency: DEFAULT_EXECUTOR_CONCURRENCY,
    });
  });

  it('rejects an unsupported platform, naming the key', () => {
    expect(
      readError({
        executors: { builder: { platforms: ['linux/amd64', 'windows/amd64'] } },
      }),
    ).toMatch(
      /^imageFactory\.providers\.executors\.builder\.platforms: unsupported platform 'windows\/amd64'/,
    );
    expect(
      readError({
        executors: { builder: { emulatedPlatforms: ['linux/mips'] } },
      }),
    ).toMatch(
      /^imageFactory\.providers\.executors\.builder\.emulatedPlatforms: unsupported platform 'linux\/mips'/,
    );
  });

  it('rejects an executor without platforms', () => {
    expect(readError({ executors: { builder: { platforms: [] } } })).toBe(
      'imageFactory.providers.executors.builder.platforms: must list at least one platform',
    );
  });

  it('rejects an emulated platform the executor does not build', () => {
    expect(
      readError({
        executors: {
          builder: {
            platforms: ['linux/amd64'],
            emulatedPlatforms: ['linux/s390x'],
          },
        },
      }),
    ).toBe(
      "imageFactory.providers.executors.builder.emulatedPlatforms: 'linux/s390x' is not listed in imageFactory.providers.executors.builder.platforms",
    );
  });

  it('rejects an unknown implementation type, naming the key', () => {
    expect(readError({ executors: { builder: { type: 'kubernetes' } } })).toBe(
      "imageFactory.providers.executors.builder.type: must be one of docker, got 'kubernetes'",
    );
    expect(
      readError({ registries: { quay: { type: 'quay', host: 'quay.io' } } }),
    ).toBe(
      "imageFactory.providers.registries.quay.type: must be one of oci, ghcr, dockerhub, got 'quay'",
    );
    expect(
      readError({
        sources: { gitlab: { type: 'gitlab', host: 'gitlab.com' } },
      }),
    ).toBe(
      "imageFactory.providers.sources.gitlab.type: must be one of github, got 'gitlab'",
    );
  });

  it('rejects a value of the wrong type, naming the key', () => {
    expect(readError({ executors: { builder: { type: 3 } } })).toContain(
      "'imageFactory.providers.executors.builder.type'",
    );
    expect(
      readError({ executors: { builder: { concurrency: 'many' } } }),
    ).toContain("'imageFactory.providers.executors.builder.concurrency'");
  });

  it('requires a registry host', () => {
    expect(readError({ registries: { local: { type: 'oci' } } })).toBe(
      'imageFactory.providers.registries.local.host: is required',
    );
  });

  it('requires a source host', () => {
    expect(readError({ sources: { ghe: { type: 'github' } } })).toBe(
      'imageFactory.providers.sources.ghe.host: is required',
    );
  });

  it.each(['https://ghcr.io', 'ghcr.io/org', 'registry', 'local host:5000'])(
    'rejects %p as a registry host',
    host => {
      expect(readError({ registries: { bad: { host } } })).toBe(
        `imageFactory.providers.registries.bad.host: must be a registry host with an optional port, such as 'localhost:5000' or 'ghcr.io', got '${host}'`,
      );
    },
  );

  it('reads the key file of an ssh executor, and refuses one for another host', () => {
    const executor = readProvidersConfig(
      new ConfigReader({
        imageFactory: {
          providers: {
            executors: {
              remote: {
                host: 'ssh://builder@z-builder',
                sshIdentityFile: '/etc/image-factory/builder_ed25519',
              },
            },
          },
        },
      }),
    ).find(p => p.id === 'remote');
    expect(executor?.sshIdentityFile).toBe(
      '/etc/image-factory/builder_ed25519',
    );
    expect(
      readError({
        executors: {
          local: { host: 'tcp://builder:2375', sshIdentityFile: '/key' },
        },
      }),
    ).toBe(
      "imageFactory.providers.executors.local.sshIdentityFile: only an ssh:// host logs in with a key, and imageFactory.providers.executors.local.host is 'tcp://builder:2375'",
    );
  });

  it("reads an executor's builder and build network, and names a wrong one", () => {
    const executor = readProvidersConfig(
      new ConfigReader({
        imageFactory: {
          providers: {
            executors: {
              old: { builder: 'classic', buildNetwork: 'host' },
            },
          },
        },
      }),
    ).find(p => p.id === 'old');
    expect(executor).toMatchObject({
      builder: 'classic',
      buildNetwork: 'host',
    });
    expect(readError({ executors: { old: { builder: 'kaniko' } } })).toBe(
      "imageFactory.providers.executors.old.builder: must be one of buildkit, classic, got 'kaniko'",
    );
    expect(readError({ executors: { old: { buildNetwork: 'bridge' } } })).toBe(
      "imageFactory.providers.executors.old.buildNetwork: must be one of default, host, none, got 'bridge'",
    );
  });

  it.each([0, -1, 1.5])('rejects concurrency %p', concurrency => {
    expect(readError({ executors: { builder: { concurrency } } })).toBe(
      `imageFactory.providers.executors.builder.concurrency: must be a whole number of at least 1, got ${concurrency}`,
    );
  });

  it.each(['Local', 'local_docker', '-docker', 'docker-', 'a'.repeat(43)])(
    'rejects the id %p',
    id => {
      expect(
        readError({ registries: { [id]: { host: 'localhost:5000' } } }),
      ).toMatch(
        new RegExp(
          `^imageFactory\\.providers\\.registries\\.${id}: provider ids must be 1-42 lowercase letters`,
        ),
      );
    },
  );
});

describe('normalizeRegistryHost', () => {
  it.each([
    ['localhost:5000', 'localhost:5000'],
    ['ghcr.io', 'ghcr.io'],
    ['index.docker.io', 'docker.io'],
    ['[::1]:5000', '[::1]:5000'],
    ['registry', undefined],
    ['https://ghcr.io', undefined],
  ])('%p → %p', (host, expected) => {
    expect(normalizeRegistryHost(host)).toBe(expected);
  });
});
