import {
  ChangeWheelSetRequest,
  EnrollWheelSetRequest,
  parseFields,
  SUPPORTED_PLATFORMS,
  WheelSet,
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

/** The form filled with a set of wheels.yaml, to change it. */
export function wheelSetValues(set: WheelSet): WheelSetFormValues {
  const [target] = set.targets;
  return {
    name: set.name,
    owner: set.owner,
    requirements: (set.requirements ?? []).join('\n'),
    python: target?.python ?? '',
    platforms: target ? [...target.platforms] : [],
    builder: set.builder,
    upstream: set.upstream ?? '',
    description: set.description ?? '',
    reason: '',
  };
}

/** One PEP 508 requirement per non-blank line. */
function requirementLines(text: string): string[] {
  return text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
}

/** The request the form sends: only what the user gave, defaults implicit. */
export function toEnrollWheelSetRequest(
  values: WheelSetFormValues,
): EnrollWheelSetRequest {
  const requirements = requirementLines(values.requirements);
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

/**
 * What the form changes in `set`, as `POST …/changes` takes it: only the
 * fields that differ, an emptied optional field as `null` (removed, so its
 * default applies). The form shows one target, so a set with several keeps
 * its targets; fields the form does not show (title, requirementsFile,
 * hints, …) are left as they are.
 */
export function wheelSetChanges(
  set: WheelSet,
  values: WheelSetFormValues,
): ChangeWheelSetRequest['changes'] {
  const changes: ChangeWheelSetRequest['changes'] = {};
  const owner = values.owner.trim();
  if (owner !== set.owner) changes.owner = owner;
  const builder = values.builder.trim();
  if (builder !== set.builder) changes.builder = builder;
  const optional = (
    field: 'upstream' | 'description',
    value: string,
    was: string | undefined,
  ) => {
    if (value === (was ?? '')) return;
    changes[field] = value === '' ? null : value;
  };
  optional('upstream', values.upstream.trim(), set.upstream);
  optional('description', values.description.trim(), set.description);
  const requirements = requirementLines(values.requirements);
  if (requirements.join('\n') !== (set.requirements ?? []).join('\n')) {
    changes.requirements = requirements.length > 0 ? requirements : null;
  }
  if (targetsEditable(set)) {
    const [target] = set.targets;
    const current: readonly string[] = target.platforms;
    const python = values.python.trim();
    // Platforms are a set: ticking them in another order changes nothing.
    const samePlatforms =
      values.platforms.length === current.length &&
      values.platforms.every(p => current.includes(p));
    if (python !== target.python || !samePlatforms) {
      changes.targets = [{ python, platforms: values.platforms }];
    }
  }
  return changes;
}

/** Whether the form can change the set's targets: it shows only one. */
export function targetsEditable(set: WheelSet): boolean {
  return set.targets.length === 1;
}

/** The body of `POST /refinery/sets/:name/changes` the form sends. */
export function toChangeWheelSetRequest(
  set: WheelSet,
  values: WheelSetFormValues,
): ChangeWheelSetRequest {
  return {
    changes: wheelSetChanges(set, values),
    ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
  };
}

/**
 * The form field a `set.…` (or `changes.…`) path of the schema or of the
 * backend is about.
 */
export function fieldOfPath(path: string): WheelSetField | undefined {
  const match =
    /^(?:set\.|changes\.)?([A-Za-z]+)(?:\[(\d+)\]\.([A-Za-z]+))?/.exec(path);
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
  // An enrollment's body is checked as sent; a change's as the set would be.
  for (const part of message
    .replace(
      /^(?:Invalid request body|The wheel set would be invalid after this change): /,
      '',
    )
    .split('; ')) {
    const match = /^((?:set|changes|reason)[^\s:]*): (.+)$/.exec(part.trim());
    const field = match && fieldOfPath(match[1]);
    if (field && !errors[field]) errors[field] = match![2];
  }
  return errors;
}

/** A message per field of the form, and whether the set can be sent. */
export interface WheelSetValidation {
  fields: Partial<Record<WheelSetField, string>>;
  valid: boolean;
}

/**
 * Checks the form with the schema of wheels.yaml, the one the backend uses:
 * a message per field, and whether the set can be sent.
 */
export function validateWheelSetForm(
  values: WheelSetFormValues,
): WheelSetValidation {
  return validateWheelSet(toEnrollWheelSetRequest(values).set);
}

/**
 * Checks a change as the backend will: the set with the form's changes
 * applied, with the schema of wheels.yaml; `changed` is false when the form
 * changes nothing.
 */
export function validateWheelSetChange(
  set: WheelSet,
  values: WheelSetFormValues,
): WheelSetValidation & { changed: boolean } {
  const changes = wheelSetChanges(set, values);
  const entry: Record<string, unknown> = { ...set };
  for (const [field, value] of Object.entries(changes)) {
    if (value === null) delete entry[field];
    else entry[field] = value;
  }
  return {
    ...validateWheelSet(entry),
    changed: Object.keys(changes).length > 0,
  };
}

function validateWheelSet(set: unknown): WheelSetValidation {
  const parsed = parseFields(wheelSetSchema, set, 'set');
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
