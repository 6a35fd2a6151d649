import { BuildInputs } from '@image-factory/plugin-image-factory-common';
import { baseChangedFor } from './baseChangedFor';

const DEBIAN = 'docker.io/library/debian:12';
const NODE = 'docker.io/library/node:22';
const inputs = (
  debian: string,
  platforms?: Record<string, string>,
): BuildInputs => ({
  platforms: ['linux/amd64', 'linux/s390x'],
  baseDigests: { [DEBIAN]: debian, [NODE]: 'sha256:node' },
  ...(platforms ? { basePlatformDigests: { [DEBIAN]: platforms } } : {}),
});

describe('baseChangedFor', () => {
  it('names no base when the bases are the same', () => {
    expect(
      baseChangedFor('linux/s390x', inputs('sha256:a'), inputs('sha256:a')),
    ).toBeUndefined();
  });

  it('tells the platforms whose base image changed from those whose did not', () => {
    const before = inputs('sha256:a', {
      'linux/amd64': 'sha256:amd-1',
      'linux/s390x': 'sha256:s390x-1',
    });
    // A new index in which only the amd64 image is new.
    const now = inputs('sha256:b', {
      'linux/amd64': 'sha256:amd-2',
      'linux/s390x': 'sha256:s390x-1',
    });
    expect(baseChangedFor('linux/amd64', before, now)).toBe(DEBIAN);
    expect(baseChangedFor('linux/s390x', before, now)).toBeUndefined();
  });

  it('counts a changed base as changed for every platform when its platforms are unknown', () => {
    const before = inputs('sha256:a');
    const now = inputs('sha256:b', { 'linux/s390x': 'sha256:s390x-1' });
    expect(baseChangedFor('linux/s390x', before, now)).toBe(DEBIAN);
    expect(
      baseChangedFor('linux/s390x', { platforms: [] }, inputs('sha256:a')),
    ).toBe(DEBIAN);
  });
});
