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

const EXAMPLES_REGISTRY = 'http://127.0.0.1:5000';
const INDEX_ACCEPT =
  'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';
const MANIFEST_ACCEPT =
  'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

async function getOk(url: string, accept?: string): Promise<Response> {
  const res = await fetch(url, accept ? { headers: { accept } } : {});
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res;
}

/**
 * Copies the linux/amd64 image of the examples' upstream BusyBox
 * (localhost:5000/upstream/busybox:1.35, made by ./scripts/test) to the e2e
 * registry with `label` in its config: a new label gives a new digest with
 * the same layers, as a base image's rebuild upstream would. Returns the digest.
 */
export async function pushBusyboxVariant(
  repository: string,
  tag: string,
  label: string,
): Promise<string> {
  const index = await (
    await getOk(
      `${EXAMPLES_REGISTRY}/v2/upstream/busybox/manifests/1.35`,
      INDEX_ACCEPT,
    )
  ).json();
  const amd64 = index.manifests.find(
    (m: { platform?: { architecture: string } }) =>
      m.platform?.architecture === 'amd64',
  );
  const manifest = await (
    await getOk(
      `${EXAMPLES_REGISTRY}/v2/upstream/busybox/manifests/${amd64.digest}`,
      MANIFEST_ACCEPT,
    )
  ).json();
  for (const layer of manifest.layers) {
    const bytes = Buffer.from(
      await (
        await getOk(
          `${EXAMPLES_REGISTRY}/v2/upstream/busybox/blobs/${layer.digest}`,
        )
      ).arrayBuffer(),
    );
    await pushBlob(repository, bytes);
  }
  const config = await (
    await getOk(
      `${EXAMPLES_REGISTRY}/v2/upstream/busybox/blobs/${manifest.config.digest}`,
    )
  ).json();
  config.config = {
    ...config.config,
    Labels: { ...config.config?.Labels, 'e2e.variant': label },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  manifest.config = {
    ...manifest.config,
    digest: await pushBlob(repository, configBytes),
    size: configBytes.length,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const put = await fetch(`${REGISTRY}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: bytes,
  });
  if (put.status !== 201) throw new Error(`pushing ${tag}: ${put.status}`);
  return sha256(bytes);
}
