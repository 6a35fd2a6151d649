import { ConfigReader } from '@backstage/config';
import { dockerConnection } from './createBuildEngine';
import { BUILDS_DEFAULTS, readBuildsConfig } from './readBuildsConfig';

describe('readBuildsConfig', () => {
  it('has defaults for everything', () => {
    expect(readBuildsConfig(new ConfigReader({}))).toEqual({
      workerEnabled: true,
      ...BUILDS_DEFAULTS,
      registryCredentials: new Map(),
      registryRequestTimeoutMs: 30_000,
    });
  });

  it('reads every key and the registry credentials by host', () => {
    const config = readBuildsConfig(
      new ConfigReader({
        imageFactory: {
          builds: {
            worker: false,
            concurrentRuns: 4,
            parallelPlatforms: 3,
            maxAttempts: 5,
            leaseDuration: { minutes: 2 },
            pollInterval: '5s',
            retries: 0,
            retryBackoff: { seconds: 1 },
            buildTimeout: { minutes: 30 },
            pushTimeout: { minutes: 5 },
            retention: { keep: 3 },
          },
          registries: { requestTimeout: { seconds: 10 } },
          providers: {
            registries: {
              local: { host: 'localhost:5000', username: 'u', password: 'p' },
              hub: { host: 'index.docker.io', username: 'v', password: 'q' },
              open: { host: 'ghcr.io' },
            },
          },
        },
      }),
    );
    expect(config).toEqual({
      workerEnabled: false,
      concurrentRuns: 4,
      parallelPlatforms: 3,
      maxAttempts: 5,
      leaseDurationMs: 120_000,
      pollIntervalMs: 5_000,
      retries: 0,
      retryBackoffMs: 1_000,
      buildTimeoutMs: 1_800_000,
      pushTimeoutMs: 300_000,
      retentionKeep: 3,
      registryCredentials: new Map([
        ['localhost:5000', { username: 'u', password: 'p' }],
        ['docker.io', { username: 'v', password: 'q' }],
      ]),
      registryRequestTimeoutMs: 10_000,
    });
  });

  it('names the key of a bad value', () => {
    const read = (builds: object) => () =>
      readBuildsConfig(new ConfigReader({ imageFactory: { builds } }));
    expect(read({ parallelPlatforms: 0 })).toThrow(
      'imageFactory.builds.parallelPlatforms: must be a whole number of at least 1, got 0',
    );
    expect(read({ maxAttempts: 1.5 })).toThrow(
      'imageFactory.builds.maxAttempts: must be a whole number of at least 1, got 1.5',
    );
    expect(read({ retention: { keep: 0 } })).toThrow(
      'imageFactory.builds.retention.keep: must be a whole number of at least 1, got 0',
    );
    expect(read({ leaseDuration: { seconds: 1 } })).toThrow(
      'imageFactory.builds.leaseDuration: must be at least 3 seconds',
    );
  });
});

describe('dockerConnection', () => {
  it('reads DOCKER_HOST-style URLs', () => {
    expect(dockerConnection('unix:///var/run/docker.sock', 'k')).toEqual({
      socketPath: '/var/run/docker.sock',
    });
    expect(dockerConnection('tcp://builder:2375', 'k')).toEqual({
      protocol: 'http',
      host: 'builder',
      port: '2375',
    });
    expect(dockerConnection('ssh://ci@z-builder', 'k')).toEqual({
      protocol: 'ssh',
      host: 'z-builder',
      port: '22',
      username: 'ci',
      // The ssh agent of SSH_AUTH_SOCK, when there is one.
      sshOptions: process.env.SSH_AUTH_SOCK
        ? { agent: process.env.SSH_AUTH_SOCK }
        : {},
    });
    expect(() =>
      dockerConnection(
        'ssh://ci@z-builder',
        'imageFactory.providers.executors.z.host',
        { identityFile: '/nonexistent/key' },
      ),
    ).toThrow(
      "imageFactory.providers.executors.z.sshIdentityFile: cannot read '/nonexistent/key' (ENOENT)",
    );
    expect(() =>
      dockerConnection('ftp://x', 'imageFactory.providers.executors.x.host'),
    ).toThrow(
      "imageFactory.providers.executors.x.host: unsupported scheme 'ftp:' (use unix://, tcp://, https:// or ssh://)",
    );
  });
});
