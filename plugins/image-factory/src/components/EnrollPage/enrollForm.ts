import {
  EnrollImageRequest,
  FieldIssue,
  ImageEntryInput,
  enrollImageRequestSchema,
  parseFields,
} from '@image-factory/plugin-image-factory-common';
import { SOURCE_DEFAULTS, toSourceEntry } from '../SourceFields';
import { moreFields, withMoreFields } from './moreFields';

/** The image types in the order the form offers them. */
export type ImageType = ImageEntryInput['type'];

/** What the enroll form holds: strings as typed, before they become an entry. */
export interface EnrollFormValues {
  name: string;
  owner: string;
  type: ImageType;
  title: string;
  description: string;
  reference: string;
  repo: string;
  branch: string;
  dockerfile: string;
  context: string;
  platforms: string[];
  rebuildAuto: boolean;
  rebuildDelay: string;
  rebuildCoalesceWindow: string;
  /** Comma-separated, e.g. `dev, staging, prod`. */
  stages: string;
  reason: string;
  /** The user confirmed platforms no executor builds yet. */
  acceptUnbuiltPlatforms: boolean;
  /** Texts of the schema's other fields, by path (`watch.interval`); see `moreFields`. */
  more: Record<string, string>;
}

/** The field of the form an issue belongs to. */
export type FormField = keyof EnrollFormValues;

/** One of the schema's other fields, by path: `more.watch.interval`. */
export type MoreFormField = `more.${string}`;

/** One message per field that has a problem. */
export type FieldErrors = Partial<Record<FormField | MoreFormField, string>>;

/** The defaults of `images.yaml`, so that an untouched field adds nothing. */
const DEFAULT_DELAY = '0s';
const DEFAULT_COALESCE_WINDOW = '30m';

/** An empty form, with the defaults of `images.yaml` filled in. */
export function initialValues(owner = ''): EnrollFormValues {
  return {
    name: '',
    owner,
    type: 'managed',
    title: '',
    description: '',
    reference: '',
    ...SOURCE_DEFAULTS,
    platforms: ['linux/amd64'],
    rebuildAuto: true,
    rebuildDelay: DEFAULT_DELAY,
    rebuildCoalesceWindow: DEFAULT_COALESCE_WINDOW,
    stages: '',
    reason: '',
    acceptUnbuiltPlatforms: false,
    more: {},
  };
}

/** Whether the factory may build the image, so source and rebuild apply. */
export function hasSource(type: ImageType): boolean {
  return type === 'managed' || type === 'base';
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map(item => item.trim())
    .filter(Boolean);
}

/**
 * The request body for the values. The backend writes the entry as sent, so
 * empty optional fields and source fields equal to their defaults are left
 * out, and a rebuild policy is sent only when it differs from the defaults:
 * the pull request adds to `images.yaml` only what the user chose (platforms
 * are always listed). A base image without a repository is only watched, so
 * it gets no source.
 */
export function toEnrollRequest(values: EnrollFormValues): EnrollImageRequest {
  const image: ImageEntryInput = {
    name: values.name.trim(),
    type: values.type,
    owner: values.owner.trim(),
    reference: values.reference.trim(),
    platforms: values.platforms as ImageEntryInput['platforms'],
  };
  if (values.title.trim()) image.title = values.title.trim();
  if (values.description.trim()) {
    image.description = values.description.trim();
  }
  if (
    values.type === 'managed' ||
    (values.type === 'base' && values.repo.trim())
  ) {
    image.source = toSourceEntry(values) as ImageEntryInput['source'];
  }
  if (hasSource(values.type)) {
    const delay = values.rebuildDelay.trim();
    const window = values.rebuildCoalesceWindow.trim();
    if (
      !values.rebuildAuto ||
      delay !== DEFAULT_DELAY ||
      window !== DEFAULT_COALESCE_WINDOW
    ) {
      image.rebuild = {
        auto: values.rebuildAuto,
        delay,
        coalesceWindow: window,
      };
    }
  }
  const stages = splitList(values.stages);
  if (stages.length > 0) image.stages = stages;
  withMoreFields(image, values.more);
  // Left out when empty, so that validation says "is required" rather than
  // explaining the format of a value nobody typed yet.
  const required = image as Partial<
    Record<'name' | 'owner' | 'reference', string>
  >;
  for (const key of ['name', 'owner', 'reference'] as const) {
    if (!required[key]) delete required[key];
  }
  const reason = values.reason.trim();
  return {
    image,
    ...(reason ? { reason } : {}),
    ...(values.acceptUnbuiltPlatforms ? { acceptUnbuiltPlatforms: true } : {}),
  };
}

/**
 * The platforms the backend said no executor builds yet, from the message it
 * put on the platforms field (`no executor builds linux/ppc64le yet …`).
 */
export function unbuiltPlatforms(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/no executor builds (\S+) yet/g)].map(
    m => m[1],
  );
}

const FIELD_OF_PATH: Record<string, FormField> = {
  'image.name': 'name',
  'image.type': 'type',
  'image.owner': 'owner',
  'image.title': 'title',
  'image.description': 'description',
  'image.reference': 'reference',
  'image.platforms': 'platforms',
  // A missing source means a missing repository: that is what to fill in.
  'image.source': 'repo',
  'image.source.repo': 'repo',
  'image.source.branch': 'branch',
  'image.source.dockerfile': 'dockerfile',
  'image.source.context': 'context',
  'image.rebuild': 'rebuildAuto',
  'image.rebuild.auto': 'rebuildAuto',
  'image.rebuild.delay': 'rebuildDelay',
  'image.rebuild.coalesceWindow': 'rebuildCoalesceWindow',
  'image.stages': 'stages',
  reason: 'reason',
  acceptUnbuiltPlatforms: 'platforms',
};

/**
 * Sorts issues (paths of the request body, `image.source.repo`) onto the
 * form's fields; an issue of a list item (`image.stages[1]`, or a field of
 * it) names the item.
 * Issues no field shows are returned apart.
 */
export function issuesToFields(
  issues: FieldIssue[],
  values: EnrollFormValues,
): { fields: FieldErrors; other: FieldIssue[] } {
  const fields: FieldErrors = {};
  const other: FieldIssue[] = [];
  const more = new Set(moreFields().map(f => `image.${f.path}`));
  for (const issue of issues) {
    // `image.stages[1].name`: a stage given as a string is read as {name}.
    const match = /^(.*?)(?:\[(\d+)\](?:\..*)?)?$/.exec(issue.path);
    if (match && more.has(match[1])) {
      const key: MoreFormField = `more.${match[1].slice('image.'.length)}`;
      fields[key] = fields[key]
        ? `${fields[key]}; ${issue.message}`
        : issue.message;
      continue;
    }
    const field = match ? FIELD_OF_PATH[match[1]] : undefined;
    if (!field) {
      other.push(issue);
      continue;
    }
    let message = issue.message;
    if (match?.[2] !== undefined) {
      const list =
        field === 'stages' ? splitList(values.stages) : values.platforms;
      const item = list[Number(match[2])];
      message = item === undefined ? message : `'${item}': ${message}`;
    }
    fields[field] = fields[field] ? `${fields[field]}; ${message}` : message;
  }
  return { fields, other };
}

/**
 * Validates the request the values make with the schema the backend uses, so
 * that the form names the same problems the backend would.
 */
export function validateEnrollForm(values: EnrollFormValues): {
  fields: FieldErrors;
  other: FieldIssue[];
} {
  const result = parseFields(enrollImageRequestSchema, toEnrollRequest(values));
  if (result.success) {
    return { fields: {}, other: [] };
  }
  return issuesToFields(result.issues, values);
}

/**
 * The issues of a backend InputError message, which lists them as
 * `path: message` joined by `; `; parts that do not look like that are left out.
 */
export function parseBackendIssues(message: string): FieldIssue[] {
  return message.split('; ').flatMap(part => {
    const match = /(?:^|\s)((?:image|reason)[^\s:]*): (.+)$/.exec(part.trim());
    return match ? [{ path: match[1], message: match[2] }] : [];
  });
}
