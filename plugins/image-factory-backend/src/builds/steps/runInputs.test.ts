import { imageEntity } from '../__testUtils__/imageEntity';
import { runInputs, runInputsHash } from './runInputs';

const image = imageEntity({
  name: 'app',
  registry: '127.0.0.1:5000',
  repository: 'apps/app',
  platforms: ['linux/amd64', 'linux/s390x'],
  buildArgs: { VERSION: '1' },
});
const PINNED =
  'sha256:1111111111111111111111111111111111111111111111111111111111111111';
const source = {
  revision: 'abc123',
  dockerfileDigest: 'sha256:dockerfile',
  dockerfileText:
    'FROM 127.0.0.1:5000/base/busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111\n',
};

describe('runInputs', () => {
  it('names the revision, the Dockerfile, pinned bases, build args and the platforms built', async () => {
    const inputs = await runInputs(source, image, ['linux/s390x']);
    const { baseDigests, ...rest } = inputs;
    expect(rest).toEqual({
      sourceRevision: 'abc123',
      dockerfileDigest: 'sha256:dockerfile',
      buildArgs: { VERSION: '1' },
      platforms: ['linux/s390x'],
    });
    expect(Object.values(baseDigests ?? {})).toEqual([PINNED]);
  });

  it('leaves out build args and bases when there are none', async () => {
    const plain = imageEntity({
      name: 'plain',
      registry: '127.0.0.1:5000',
      repository: 'apps/plain',
      platforms: ['linux/amd64'],
    });
    expect(
      await runInputs({ ...source, dockerfileText: 'FROM scratch\n' }, plain, [
        'linux/amd64',
      ]),
    ).toEqual({
      sourceRevision: 'abc123',
      dockerfileDigest: 'sha256:dockerfile',
      platforms: ['linux/amd64'],
    });
  });
});

describe('runInputsHash', () => {
  it('is the same whichever of the image platforms a run builds, so a partial run indexes like a full one', async () => {
    const one = await runInputs(source, image, ['linux/s390x']);
    const all = await runInputs(source, image, ['linux/amd64', 'linux/s390x']);
    expect(runInputsHash(one, image)).toBe(runInputsHash(all, image));
    expect(runInputsHash(one, image)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes with the revision and with the reference pushed to', async () => {
    const inputs = await runInputs(source, image, image.spec.platforms);
    const other = await runInputs(
      { ...source, revision: 'def456' },
      image,
      image.spec.platforms,
    );
    expect(runInputsHash(other, image)).not.toBe(runInputsHash(inputs, image));
    const moved = imageEntity({
      name: 'app',
      registry: '127.0.0.1:5000',
      repository: 'apps/moved',
      platforms: ['linux/amd64', 'linux/s390x'],
      buildArgs: { VERSION: '1' },
    });
    expect(runInputsHash(inputs, moved)).not.toBe(runInputsHash(inputs, image));
  });
});
