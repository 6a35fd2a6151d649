import { ImagesFileIssue } from '@image-factory/plugin-image-factory-common';

/** The most issues the status route answers with; the log has them all. */
export const MAX_STATUS_ISSUES = 100;

/**
 * Keeps the status response small whatever the file: the first issues as
 * they are, then one that says how many more the backend log holds.
 */
export function capIssues(
  issues: ImagesFileIssue[],
  max = MAX_STATUS_ISSUES,
): ImagesFileIssue[] {
  if (issues.length <= max) return issues;
  return [
    ...issues.slice(0, max),
    {
      path: '(file)',
      message: `and ${
        issues.length - max
      } more issues, not shown here: the backend log lists every one`,
    },
  ];
}
