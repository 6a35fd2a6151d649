import {
  ANNOTATION_IMAGE_FACTORY_ENTRY,
  ImageEntityV1alpha1,
  ImageSourceProblem,
  ImagesFileStatus,
} from '@image-factory/plugin-image-factory-common';

/** The most source issues the status answers with; the graph has them all. */
const MAX_SOURCE_ISSUES = 100;
/** Messages can quote a Dockerfile; the status stays small. */
const MAX_MESSAGE_LENGTH = 500;

function bounded(message: string) {
  return message.length > MAX_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…`
    : message;
}

/**
 * The status of images.yaml with each entry whose source broke after it was
 * enrolled (repository deleted, Dockerfile moved, a FROM that no longer
 * resolves) as an issue of that entry: the file is valid, but the entry
 * cannot be built, and the status page must not say "every entry is valid".
 */
export function withSourceIssues(
  status: ImagesFileStatus,
  images: ImageEntityV1alpha1[],
  problems: ImageSourceProblem[],
): ImagesFileStatus {
  if (problems.length === 0) return status;
  const entryPath = new Map(
    images.map(i => [
      i.metadata.name,
      i.metadata.annotations?.[ANNOTATION_IMAGE_FACTORY_ENTRY],
    ]),
  );
  return {
    ...status,
    ok: false,
    issues: [
      ...status.issues,
      ...problems.slice(0, MAX_SOURCE_ISSUES).map(p => ({
        path: `${entryPath.get(p.imageName) ?? p.imageName}.source`,
        message: bounded(p.message),
        entry: p.imageName,
      })),
      ...(problems.length > MAX_SOURCE_ISSUES
        ? [
            {
              path: '(sources)',
              message: `and ${
                problems.length - MAX_SOURCE_ISSUES
              } more images whose source cannot be read, not shown here: GET /graph lists every one`,
            },
          ]
        : []),
    ],
  };
}
