import { ProviderHealth } from '@image-factory/plugin-image-factory-common';
import { ProviderConfig } from '@image-factory/plugin-image-factory-node';
import { healthFields } from './providerStatus';

const executor: ProviderConfig = {
  id: 'local-docker',
  kind: 'executor',
  implementation: 'docker',
  endpoint: 'unix:///var/run/docker.sock',
};

const checked = (fields: Partial<ProviderHealth>): ProviderHealth => ({
  id: 'local-docker',
  type: 'executor',
  state: 'ok',
  message: 'Docker 20.10.24 (linux/amd64)',
  checkedAt: '2026-12-04T10:00:00.000Z',
  nativePlatform: 'linux/amd64',
  emulatedPlatforms: ['linux/s390x'],
  ...fields,
});

describe('healthFields', () => {
  it("gives a checked executor's platforms and builder as its capabilities", () => {
    const builder = {
      builder: 'buildkit' as const,
      dockerfileFrontend: '1.2',
      description: 'Docker 20.10.24 BuildKit (Dockerfile frontend 1.2)',
    };
    const health = checked({ builder });
    expect(healthFields([health], executor)).toEqual({
      health,
      capabilities: {
        platforms: ['linux/amd64', 'linux/s390x'],
        emulated: ['linux/s390x'],
        builder,
      },
    });
  });

  it('leaves the builder out when the executor did not say', () => {
    expect(healthFields([checked({})], executor).capabilities).toEqual({
      platforms: ['linux/amd64', 'linux/s390x'],
      emulated: ['linux/s390x'],
    });
  });

  it('gives no capabilities for an unreachable executor or before a check', () => {
    const down = checked({ state: 'unreachable', nativePlatform: undefined });
    expect(healthFields([down], executor)).toEqual({ health: down });
    expect(healthFields(undefined, executor)).toEqual({});
  });
});
