/**
 * A project's name as the simple index spells it (PEP 503): runs of `-`,
 * `_` and `.` become one `-`, in lower case, so `Markup_Safe`, `markup.safe`
 * and `markup-safe` are one project.
 */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** PEP 508's rule for a distribution name (letters, digits, `-_.`, alphanumeric at both ends). */
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}
