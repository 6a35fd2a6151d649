import { NoExecutorError } from './errors';
import { placePlatforms } from './placement';

describe('placePlatforms', () => {
  const local = {
    id: 'local-docker',
    platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'],
    emulatedPlatforms: ['linux/arm64', 'linux/s390x'],
  };
  const mainframe = {
    id: 'z-builder',
    platforms: ['linux/s390x'],
    emulatedPlatforms: [],
  };

  it('prefers an executor that builds the platform natively over emulation', () => {
    expect(
      placePlatforms(
        ['linux/amd64', 'linux/s390x', 'linux/arm64'],
        [local, mainframe],
      ),
    ).toEqual([
      { platform: 'linux/amd64', executor: 'local-docker', emulated: false },
      { platform: 'linux/s390x', executor: 'z-builder', emulated: false },
      { platform: 'linux/arm64', executor: 'local-docker', emulated: true },
    ]);
  });

  it('emulates when no executor builds the platform natively', () => {
    expect(placePlatforms(['linux/s390x'], [local])).toEqual([
      { platform: 'linux/s390x', executor: 'local-docker', emulated: true },
    ]);
  });

  it('spreads the platforms of a run over equal executors', () => {
    const a = {
      id: 'a',
      platforms: ['linux/amd64', 'linux/s390x'],
      emulatedPlatforms: [],
    };
    const b = { ...a, id: 'b' };
    expect(
      placePlatforms(['linux/amd64', 'linux/s390x'], [a, b]).map(
        p => p.executor,
      ),
    ).toEqual(['a', 'b']);
  });

  it('names every platform no executor declares', () => {
    expect(() =>
      placePlatforms(
        ['linux/amd64', 'linux/ppc64le', 'linux/riscv64'],
        [local],
      ),
    ).toThrow(
      new NoExecutorError(
        'No executor builds linux/ppc64le, linux/riscv64 (configured: local-docker [linux/amd64, linux/arm64, linux/s390x])',
      ),
    );
  });
});
