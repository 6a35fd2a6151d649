import { IMAGE_FACTORY_API_VERSION } from '../constants';
import { parseFields } from '../validation';
import { ImageEntry, imageEntrySchema } from './schema';
import { readImagesYaml } from './readImagesYaml';

/**
 * One problem found in `images.yaml`.
 *
 * @public
 */
export interface ImagesFileIssue {
  /** Path of the offending field, e.g. `images[3].source.dockerfile`. */
  path: string;
  /** What is wrong, e.g. `must be a relative path inside the repository`. */
  message: string;
  /** Name of the entry the issue belongs to, when it has one. */
  entry?: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

/**
 * The outcome of reading `images.yaml`: the valid entries, and an issue for
 * each invalid field. An invalid entry is left out; the others stay.
 *
 * @public
 */
export interface ImagesFileParseResult {
  /** The valid entries, in file order, with defaults applied. */
  images: ImageEntry[];
  /** For each of `images`, its index in the file's `images` list. */
  entryIndexes: number[];
  /** Every problem found, in the file as a whole or in an entry; empty when there is none. */
  issues: ImagesFileIssue[];
  /**
   * True when the file as a whole could not be read (bad YAML, wrong top level):
   * then `images` is empty, and callers should keep what they had rather than
   * treat the file as empty.
   */
  fatal: boolean;
}

/** Formats an issue as `path (line N): message`. @public */
export function formatImagesFileIssue(issue: ImagesFileIssue): string {
  const where = issue.line ? `${issue.path} (line ${issue.line})` : issue.path;
  return `${where}: ${issue.message}`;
}

/**
 * Parses and validates the text of an `images.yaml` file. Never throws: every
 * problem comes back as an issue naming the entry and field.
 *
 * @public
 */
export function parseImagesFile(text: string): ImagesFileParseResult {
  const read = readImagesYaml(text);
  if (!read.ok) {
    return { images: [], entryIndexes: [], fatal: true, issues: read.issues };
  }
  const root = read.data as any;
  if (root === null || root === undefined) {
    return { images: [], entryIndexes: [], issues: [], fatal: false };
  }
  if (typeof root !== 'object' || Array.isArray(root)) {
    return {
      images: [],
      entryIndexes: [],
      fatal: true,
      issues: [
        { path: '(file)', message: "must be a mapping with an 'images' list" },
      ],
    };
  }

  const issues: ImagesFileIssue[] = [];
  for (const key of Object.keys(root)) {
    if (key === 'apiVersion') {
      if (root.apiVersion !== IMAGE_FACTORY_API_VERSION) {
        issues.push({
          path: 'apiVersion',
          message: `must be '${IMAGE_FACTORY_API_VERSION}', not ${JSON.stringify(
            root.apiVersion,
          )}`,
        });
      }
    } else if (key !== 'images') {
      issues.push({ path: key, message: 'is not a known field' });
    }
  }
  if (root.images === undefined || root.images === null) {
    return { images: [], entryIndexes: [], issues, fatal: false };
  }
  if (!Array.isArray(root.images)) {
    issues.push({ path: 'images', message: 'must be a list of image entries' });
    return { images: [], entryIndexes: [], issues, fatal: true };
  }

  const images: ImageEntry[] = [];
  const entryIndexes: number[] = [];
  const firstIndexByName = new Map<string, number>();
  root.images.forEach((raw: unknown, i: number) => {
    const base = `images[${i}]`;
    const line = () => read.entryLine(i);
    const name =
      raw && typeof raw === 'object' && typeof (raw as any).name === 'string'
        ? ((raw as any).name as string)
        : undefined;
    const first = name === undefined ? undefined : firstIndexByName.get(name);
    if (name !== undefined && first !== undefined) {
      issues.push({
        path: `${base}.name`,
        message: `duplicate image name '${name}' (first used by images[${first}])`,
        entry: name,
        line: line(),
      });
      return;
    }
    if (name !== undefined) firstIndexByName.set(name, i);
    const refused = read.entryErrors?.get(i);
    if (refused) {
      issues.push({ path: base, message: refused, entry: name, line: line() });
      return;
    }
    const parsed = parseFields(imageEntrySchema, raw, base);
    if (!parsed.success) {
      const at = line();
      issues.push(
        ...parsed.issues.map(issue => ({ ...issue, entry: name, line: at })),
      );
      return;
    }
    images.push(parsed.data);
    entryIndexes.push(i);
  });
  return { images, entryIndexes, issues, fatal: false };
}
