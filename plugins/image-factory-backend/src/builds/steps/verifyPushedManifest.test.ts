import {
  startTestRegistry,
  TestRegistry,
} from '../../__testUtils__/startTestRegistry';
import { OCI_IMAGE_INDEX, OciRegistryClient } from '../../registry';
import { pushTestImage } from '../__testUtils__/pushTestImage';
import { imageIndexBytes } from '../imageIndex';
import { verifyPushedManifest } from './verifyPushedManifest';

jest.setTimeout(60_000);

describe('verifyPushedManifest (real registry)', () => {
  let registry: TestRegistry;
  const client = OciRegistryClient.create();
  const repo = () => ({ registry: registry.host, repository: 'remote/app' });

  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('returns the manifest as an index lists it when its config names the platform', async () => {
    const pushed = await pushTestImage(client, repo(), 'linux/amd64', 'a');
    expect(
      await verifyPushedManifest(client, repo(), pushed.digest, 'linux/amd64'),
    ).toEqual(pushed);
  });

  it('refuses an image of another platform, naming both', async () => {
    const pushed = await pushTestImage(client, repo(), 'linux/amd64', 'b');
    await expect(
      verifyPushedManifest(client, repo(), pushed.digest, 'linux/s390x'),
    ).rejects.toMatchObject({
      name: 'ManifestInvalidError',
      message: `${registry.host}/remote/app@${pushed.digest} is an image for linux/amd64, not linux/s390x`,
    });
  });

  it('checks the variant only when the platform names one', async () => {
    const v8 = await pushTestImage(client, repo(), 'linux/arm64/v8', 'c');
    expect(
      (await verifyPushedManifest(client, repo(), v8.digest, 'linux/arm64'))
        .digest,
    ).toBe(v8.digest);
    const v6 = await pushTestImage(client, repo(), 'linux/arm/v6', 'd');
    await expect(
      verifyPushedManifest(client, repo(), v6.digest, 'linux/arm/v7'),
    ).rejects.toThrow('is an image for linux/arm/v6, not linux/arm/v7');
  });

  it('refuses an image index', async () => {
    const pushed = await pushTestImage(client, repo(), 'linux/amd64', 'e');
    const index = await client.putManifest(
      repo(),
      'index',
      imageIndexBytes([{ platform: 'linux/amd64', ...pushed }], {}),
      OCI_IMAGE_INDEX,
    );
    await expect(
      verifyPushedManifest(client, repo(), index, 'linux/amd64'),
    ).rejects.toThrow(
      `${registry.host}/remote/app@${index} is not an image manifest (${OCI_IMAGE_INDEX})`,
    );
  });
});
