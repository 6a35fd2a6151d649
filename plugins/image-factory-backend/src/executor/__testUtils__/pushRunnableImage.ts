import { parseImageRef } from '@image-factory/plugin-image-factory-common';
import { ImageFactoryPushAuth } from '@image-factory/plugin-image-factory-node';
import { randomBytes } from 'crypto';
import path from 'path';
import {
  DOCKER_MANIFEST_LIST,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  OciRegistryClient,
} from '../../registry';
import { DockerExecutor } from '../DockerExecutor';
import { busybox } from './busybox';
import { writeContext } from './writeContext';

/** The line the image prints when run without a command. */
export const DEFAULT_OUTPUT = 'default command of the image';

/**
 * Builds a runnable image per platform (Debian's static BusyBox, FROM
 * scratch, so no network), pushes them and an index listing them to
 * `repository`, and removes them from the engine, so that a run must pull
 * them. Returns the index as `repository@digest`.
 */
export async function pushRunnableImage(options: {
  executor: DockerExecutor;
  client: OciRegistryClient;
  /** `host/path`, without tag. */
  repository: string;
  platforms: string[];
  auth?: ImageFactoryPushAuth;
  workDir: string;
}): Promise<{ reference: string; digests: Record<string, string> }> {
  const nonce = randomBytes(4).toString('hex');
  const manifests = [];
  const digests: Record<string, string> = {};
  for (const platform of options.platforms) {
    const arch = platform.split('/')[1];
    const tag = `${options.repository}:${nonce}-${arch}`;
    const contextDir = await writeContext(
      path.join(options.workDir, `runnable-${nonce}-${arch}`),
      {
        Dockerfile: [
          'FROM scratch',
          'COPY busybox /bin/busybox',
          `CMD ["/bin/busybox", "echo", "${DEFAULT_OUTPUT}"]`,
          '',
        ].join('\n'),
        busybox: await busybox(arch),
      },
    );
    await options.executor.buildPlatform({
      contextDir,
      dockerfile: 'Dockerfile',
      platform,
      tag,
    });
    const pushed = await options.executor.push({ tag, auth: options.auth });
    await options.executor.removeImage(tag);
    const manifest = await options.client.getManifest(parseImageRef(tag));
    digests[platform] = pushed.digest;
    const [os, architecture] = platform.split('/');
    manifests.push({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.bytes.length,
      platform: { os, architecture },
    });
  }
  // An OCI index for OCI manifests, a Docker list for Docker ones, as
  // registries and engines expect them paired.
  const mediaType = manifests.every(m => m.mediaType === OCI_IMAGE_MANIFEST)
    ? OCI_IMAGE_INDEX
    : DOCKER_MANIFEST_LIST;
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, manifests }),
  );
  const ref = parseImageRef(`${options.repository}:${nonce}`);
  const digest = await options.client.putManifest(ref, nonce, index, mediaType);
  return { reference: `${options.repository}@${digest}`, digests };
}
