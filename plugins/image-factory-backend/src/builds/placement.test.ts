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

  it('places on the executor with the most free slots, counting what the cluster builds now', () => {
    const small = {
      id: 'small',
      platforms: ['linux/amd64'],
      emulatedPlatforms: [],
      concurrency: 1,
    };
    const big = { ...small, id: 'big', concurrency: 4 };
    // Two builds on big (half its slots) weigh less than one on small (all of it).
    const busy = new Map([
      ['small', 1],
      ['big', 2],
    ]);
    expect(placePlatforms(['linux/amd64'], [small, big], busy)).toEqual([
      { platform: 'linux/amd64', executor: 'big', emulated: false },
    ]);
    // Idle, the first configured wins; native still beats an idle emulator.
    expect(placePlatforms(['linux/amd64'], [small, big])[0].executor).toBe(
      'small',
    );
    const emulator = {
      id: 'emulator',
      platforms: ['linux/s390x'],
      emulatedPlatforms: ['linux/s390x'],
    };
    const z = { ...emulator, id: 'z', emulatedPlatforms: [] };
    expect(
      placePlatforms(['linux/s390x'], [emulator, z], new Map([['z', 5]]))[0]
        .executor,
    ).toBe('z');
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
