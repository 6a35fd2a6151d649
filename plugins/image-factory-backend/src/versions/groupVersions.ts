import { ImageVersionAttachment } from '@image-factory/plugin-image-factory-common';
import { CachedTag } from '../database';
import { VersionDetails } from './details/types';
import { AttachmentTag, parseAttachmentTag } from './tags/attachmentTags';
import { compareTagsBySemver } from './tags/semverOfTag';

/** One version of a listing before its details are joined. */
export interface VersionEntry {
  digest: string;
  /** Its tags, semantic versions first. */
  tags: string[];
  /** Tags of its platforms' manifests (`latest-linux-arm64`), by platform digest. */
  platformTags: Map<string, string[]>;
  /** Cosign and referrers tags about it. */
  attachments: ImageVersionAttachment[];
  /** The latest push time a registry reported for one of its tags. */
  pushedAt?: Date;
}

/** The attachment kind of each kind of attachment tag. */
const ATTACHMENT_KINDS: Record<
  AttachmentTag['kind'],
  ImageVersionAttachment['kind']
> = {
  signature: 'signature',
  attestation: 'attestation',
  sbom: 'sbom',
  referrers: 'artifact',
};

const RUN_TAG_TIME = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/;

/** The time in a run tag (`latest-20261123T201500.123Z`), if it has one. */
export function runTagTime(tag: string): Date | undefined {
  const m = RUN_TAG_TIME.exec(tag);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const time = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac ?? ''}Z`);
  return isNaN(time.getTime()) ? undefined : time;
}

/**
 * Groups a listing's tags by the digest they name. Attachment tags join the
 * version they are about; a digest that is a platform of a listed index
 * (the factory's per-platform tags) joins that index; an artifact (a
 * signature pushed under a tag of its own) is never a version.
 */
export function groupVersions(
  tags: CachedTag[],
  details: Map<string, VersionDetails>,
): VersionEntry[] {
  const byDigest = new Map<string, VersionEntry>();
  const attachmentTags: Array<{ tag: string } & AttachmentTag> = [];
  for (const t of tags) {
    const attachment = parseAttachmentTag(t.tag);
    if (attachment) {
      attachmentTags.push({ tag: t.tag, ...attachment });
      continue;
    }
    if (!t.digest) continue;
    let entry = byDigest.get(t.digest);
    if (!entry) {
      entry = {
        digest: t.digest,
        tags: [],
        platformTags: new Map(),
        attachments: [],
      };
      byDigest.set(t.digest, entry);
    }
    entry.tags.push(t.tag);
    if (t.pushedAt && (!entry.pushedAt || t.pushedAt > entry.pushedAt)) {
      entry.pushedAt = t.pushedAt;
    }
  }

  // Platform manifests of a listed index, and artifacts, are no versions.
  const parentOf = new Map<string, string>();
  for (const digest of byDigest.keys()) {
    for (const p of details.get(digest)?.platforms ?? []) {
      if (p.digest !== digest) parentOf.set(p.digest, digest);
    }
  }
  for (const [digest, entry] of byDigest) {
    const parent = parentOf.get(digest);
    const detail = details.get(digest);
    if (parent && byDigest.has(parent)) {
      byDigest.get(parent)!.platformTags.set(digest, entry.tags);
      byDigest.delete(digest);
    } else if (detail?.kind === 'artifact') {
      const subject = detail.subject ? byDigest.get(detail.subject) : undefined;
      subject?.attachments.push({
        kind: 'artifact',
        digest,
        source: 'referrers-tag',
        ...(detail.artifactType && { artifactType: detail.artifactType }),
        tag: entry.tags[0],
      });
      byDigest.delete(digest);
    }
  }

  for (const a of attachmentTags) {
    const entry = byDigest.get(a.subject);
    if (!entry) continue;
    entry.attachments.push({
      kind: ATTACHMENT_KINDS[a.kind],
      // The tag's own digest is read on the version's detail view.
      digest: '',
      source: a.kind === 'referrers' ? 'referrers-tag' : 'cosign-tag',
      tag: a.tag,
    });
  }
  for (const entry of byDigest.values()) entry.tags.sort(compareTagsBySemver);
  return [...byDigest.values()];
}
