/*
 * Pushes tiny images to the end-to-end registry (127.0.0.1:5055) through the
 * OCI distribution API, as a CI job publishing a base image would.
 */
import { createHash } from 'crypto';
import { gzipSync } from 'zlib';

const REGISTRY = 'http://127.0.0.1:5055';
const sha256 = (bytes: Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function pushBlob(repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const opened = await fetch(`${REGISTRY}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
  });
  if (opened.status !== 202) {
    throw new Error(`opening an upload: ${opened.status}`);
  }
  const location = new URL(opened.headers.get('location')!, REGISTRY);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (put.status !== 201) throw new Error(`uploading ${digest}: ${put.status}`);
  return digest;
}

/** Pushes a one-layer linux/amd64 image whose content is `text`; returns its digest. */
export async function pushTinyImage(
  repository: string,
  tag: string,
  text: string,
): Promise<string> {
  const layer = gzipSync(Buffer.from(text));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      config: { Labels: { text } },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await pushBlob(repository, config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: await pushBlob(repository, layer),
          size: layer.length,
        },
      ],
    }),
  );
  const put = await fetch(`${REGISTRY}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`pushing ${tag}: ${put.status}`);
  return sha256(manifest);
}
