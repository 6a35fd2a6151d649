import { BuildInputs } from '@image-factory/plugin-image-factory-common';
import { createHash } from 'crypto';
import { OCI_IMAGE_INDEX, OciDescriptor } from '../registry';

/**
 * The hash that tells whether a run would build what the last successful one
 * built: everything the result depends on, in a canonical order, plus the
 * reference it goes to.
 */
export function inputsHash(inputs: BuildInputs, reference: string): string {
  const sorted = (record?: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    );
  const canonical = JSON.stringify({
    reference,
    sourceRevision: inputs.sourceRevision ?? null,
    dockerfileDigest: inputs.dockerfileDigest ?? null,
    baseDigests: sorted(inputs.baseDigests),
    buildArgs: sorted(inputs.buildArgs),
    platforms: [...inputs.platforms].sort(),
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** `os/arch[/variant]` as an OCI descriptor's `platform`. */
export function ociPlatform(
  platform: string,
): NonNullable<OciDescriptor['platform']> {
  const [os, architecture, variant] = platform.split('/');
  return { architecture, os, ...(variant ? { variant } : {}) };
}

/**
 * The bytes of an OCI image index (image-spec, image-index.md) listing each
 * platform's manifest, with the run's annotations.
 */
export function imageIndexBytes(
  manifests: Array<{
    platform: string;
    digest: string;
    mediaType: string;
    size: number;
  }>,
  annotations: Record<string, string>,
): Buffer {
  const index = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: manifests.map(m => ({
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size,
      platform: ociPlatform(m.platform),
    })),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  return Buffer.from(JSON.stringify(index));
}
