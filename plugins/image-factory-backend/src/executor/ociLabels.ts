/** What {@link ociLabels} turns into labels. */
export interface OciLabelsInput {
  /** URL of the source repository. */
  source?: string;
  /** The source revision (commit SHA) the image was built from. */
  revision?: string;
  /** When the build started. */
  created?: Date;
}

/**
 * The OCI annotations a built image carries as labels
 * (image-spec annotations.md: `org.opencontainers.image.*`).
 */
export function ociLabels(input: OciLabelsInput): Record<string, string> {
  const labels: Record<string, string> = {};
  if (input.source) labels['org.opencontainers.image.source'] = input.source;
  if (input.revision) {
    labels['org.opencontainers.image.revision'] = input.revision;
  }
  if (input.created) {
    labels['org.opencontainers.image.created'] = input.created.toISOString();
  }
  return labels;
}
