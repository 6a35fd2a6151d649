import { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import {
  ImageVersion,
  ImageVersionAttachment,
  ImageVersionAttachmentKind,
} from '@image-factory/plugin-image-factory-common';
import { RepositoryRef } from '../registry';
import { VersionRegistry } from './VersionRegistry';

/** What an artifact type says it is (cosign, in-toto, SPDX, CycloneDX). */
export function attachmentKindOf(
  artifactType: string | undefined,
): ImageVersionAttachmentKind {
  const type = (artifactType ?? '').toLowerCase();
  if (type.includes('sig') || type.includes('notary')) return 'signature';
  if (
    type.includes('spdx') ||
    type.includes('cyclonedx') ||
    type.includes('sbom')
  )
    return 'sbom';
  if (type.includes('in-toto') || type.includes('attestation'))
    return 'attestation';
  return 'artifact';
}

/**
 * A version's attachments for its detail view: those of the list (index
 * attestations, cosign tags, with their digests read now) and its OCI
 * referrers (referrers API, or the tag schema where the registry has none).
 * A registry that cannot say leaves the list's attachments.
 */
export async function readAttachments(
  registry: VersionRegistry,
  repo: RepositoryRef,
  version: ImageVersion,
  logger: LoggerService,
): Promise<ImageVersionAttachment[]> {
  const attachments = await Promise.all(
    version.attachments.map(async a => {
      if (a.digest || !a.tag) return a;
      try {
        const head = await registry.headManifest(repo, a.tag);
        return { ...a, digest: head.digest, mediaType: head.mediaType };
      } catch {
        return a;
      }
    }),
  );
  try {
    const referrers = await registry.listReferrers(repo, version.digest);
    for (const d of referrers.descriptors) {
      if (attachments.some(a => a.digest === d.digest)) continue;
      const artifactType =
        typeof d.artifactType === 'string' ? d.artifactType : undefined;
      attachments.push({
        kind: attachmentKindOf(artifactType),
        digest: d.digest,
        mediaType: d.mediaType,
        ...(artifactType && { artifactType }),
        source: referrers.source,
      });
    }
  } catch (e) {
    assertError(e);
    logger.info(
      `Referrers of ${repo.registry}/${repo.repository}@${version.digest} could not be read: ${e.message}`,
    );
  }
  return attachments;
}
