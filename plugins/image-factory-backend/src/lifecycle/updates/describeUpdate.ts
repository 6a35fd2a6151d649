import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { pinnedRef, PinnedImage, PinnedVersion } from './imageNames';

/** Why the version was built and what it changed, for the pull request body. */
export interface UpdateDescription {
  /** Why it was built, e.g. `the base docker.io/library/alpine:3.20 changed`. */
  cause: string;
  /** The source revision it was built from. */
  revision?: string;
  /** Bases whose digest changed since the version the stage held before. */
  bases?: Array<{ ref: string; from?: string; to: string }>;
}

/** What one pull request pins. */
export interface UpdateSubject {
  /** The image's name in images.yaml. */
  name: string;
  image: PinnedImage;
  stage: string;
  pinned: PinnedVersion;
}

const short = (digest: string) =>
  digest.replace(/^(sha256:[0-9a-f]{12}).*$/, '$1');

/** `Pin web-api prod to 1.4.2@sha256:<12 hex>` */
export function updateTitle(subject: UpdateSubject): string {
  const { name, stage, pinned } = subject;
  return `Pin ${name} ${stage} to ${pinned.tag}@${short(pinned.digest)}`;
}

/** Markdown: which version, why it was built, what changed, which files. */
export function updateBody(
  subject: UpdateSubject,
  description: UpdateDescription,
  files: ImageStageUpdate[],
): string {
  const { name, stage, image, pinned } = subject;
  const changes = [
    ...(description.bases ?? []).map(
      base =>
        `- Base \`${base.ref}\`: ${
          base.from ? `\`${short(base.from)}\`` : 'new'
        } → \`${short(base.to)}\``,
    ),
    ...(description.revision
      ? [`- Source revision \`${description.revision}\``]
      : []),
  ];
  return [
    `The Image Factory pins **${name}** to the version that entered the **${stage}** stage:`,
    '',
    `\`${pinnedRef(image, pinned)}\``,
    '',
    `**Why it was built:** ${description.cause}`,
    '',
    '**What changed**',
    ...(changes.length > 0 ? changes : ['- Nothing recorded']),
    '',
    '**Files**',
    ...files.map(
      f => `- \`${f.file}\` (${f.kind}${f.path ? ` at \`${f.path}\`` : ''})`,
    ),
    '',
    `This pull request is updated when another version enters ${stage}.`,
  ].join('\n');
}
