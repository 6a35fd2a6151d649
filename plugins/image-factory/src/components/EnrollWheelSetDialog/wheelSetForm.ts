import {
  EnrollWheelSetRequest,
  parseFields,
  SUPPORTED_PLATFORMS,
  wheelSetSchema,
} from '@image-factory/plugin-image-factory-common';

/** What the enroll-a-wheel-set form holds, as typed. */
export interface WheelSetFormValues {
  name: string;
  owner: string;
  /** One PEP 508 requirement per line. */
  requirements: string;
  python: string;
  platforms: string[];
  builder: string;
  upstream: string;
  description: string;
  reason: string;
}

export type WheelSetField = keyof WheelSetFormValues;

/** The platforms offered; the refinery refuses one it has no builder for. */
export const WHEEL_PLATFORMS: readonly string[] = SUPPORTED_PLATFORMS;

/** An empty form; the platforms checked are the usual two among those offered. */
export function initialWheelSetValues(
  offered: readonly string[] = WHEEL_PLATFORMS,
): WheelSetFormValues {
  const usual = ['linux/amd64', 'linux/s390x'].filter(p => offered.includes(p));
  return {
    name: '',
    owner: '',
    requirements: '',
    python: 'cp311',
    platforms: usual.length > 0 ? usual : [offered[0]],
    builder: 'wheel-builder',
    upstream: 'https://pypi.org/simple/',
    description: '',
    reason: '',
  };
}

/** The request the form sends: only what the user gave, defaults implicit. */
export function toEnrollWheelSetRequest(
  values: WheelSetFormValues,
): EnrollWheelSetRequest {
  const requirements = values.requirements
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  const set: Record<string, unknown> = {
    name: values.name.trim(),
    owner: values.owner.trim(),
    requirements,
    targets: [{ python: values.python.trim(), platforms: values.platforms }],
    builder: values.builder.trim(),
    upstream: values.upstream.trim(),
  };
  if (values.description.trim()) set.description = values.description.trim();
  return {
    set: set as EnrollWheelSetRequest['set'],
    ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
  };
}

/** The form field a `set.…` path of the schema (or of the backend) is about. */
export function fieldOfPath(path: string): WheelSetField | undefined {
  const match = /^(?:set\.)?([A-Za-z]+)(?:\[(\d+)\]\.([A-Za-z]+))?/.exec(path);
  if (!match) return undefined;
  const [, top, , inner] = match;
  if (top === 'targets') {
    return inner === 'python' ? 'python' : 'platforms';
  }
  if (top === 'reason') return 'reason';
  const fields: WheelSetField[] = [
    'name',
    'owner',
    'requirements',
    'builder',
    'upstream',
    'description',
  ];
  return fields.find(f => f === top);
}

/** `path: message` parts of a backend error, by the field they belong to. */
export function backendFieldErrors(
  message: string,
): Partial<Record<WheelSetField, string>> {
  const errors: Partial<Record<WheelSetField, string>> = {};
  for (const part of message
    .replace(/^Invalid request body: /, '')
    .split('; ')) {
    const match = /^((?:set|reason)[^\s:]*): (.+)$/.exec(part.trim());
    const field = match && fieldOfPath(match[1]);
    if (field && !errors[field]) errors[field] = match![2];
  }
  return errors;
}

/**
 * Checks the form with the schema of wheels.yaml, the one the backend uses:
 * a message per field, and whether the set can be sent.
 */
export function validateWheelSetForm(values: WheelSetFormValues): {
  fields: Partial<Record<WheelSetField, string>>;
  valid: boolean;
} {
  const request = toEnrollWheelSetRequest(values);
  const parsed = parseFields(wheelSetSchema, request.set, 'set');
  const fields: Partial<Record<WheelSetField, string>> = {};
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const field = fieldOfPath(issue.path);
      if (field && !fields[field]) {
        // A requirement's position helps when several are listed.
        const where = /requirements\[(\d+)\]/.exec(issue.path);
        fields[field] = where
          ? `line ${Number(where[1]) + 1}: ${issue.message}`
          : issue.message;
      }
    }
  }
  return { fields, valid: Object.keys(fields).length === 0 };
}
