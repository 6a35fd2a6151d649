// PEP 503 normalisation is shared with wheels.yaml's requirements.
export { normalizeProjectName } from '@image-factory/plugin-image-factory-common';

/** PEP 508's rule for a distribution name (letters, digits, `-_.`, alphanumeric at both ends). */
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}
