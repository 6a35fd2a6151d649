import { isNode, isSeq, LineCounter, parseDocument } from 'yaml';
import { IMAGE_FACTORY_API_VERSION } from '../constants';
import type { ImagesFileIssue } from '../imagesFile/parseImagesFile';
import { parseFields } from '../validation';
import { WheelSet, wheelSetSchema } from './wheelSetSchema';

/**
 * The outcome of reading `wheels.yaml`: the valid sets and an issue per
 * invalid field (naming the set and its line). An invalid set is left out;
 * the others stay. `fatal` when the file as a whole could not be read.
 *
 * @public
 */
export interface WheelsFileParseResult {
  /** The valid sets, in file order, with defaults applied. */
  sets: WheelSet[];
  /** Every problem found; empty when there is none. */
  issues: ImagesFileIssue[];
  /** True when the file as a whole could not be read: keep what you had. */
  fatal: boolean;
}

/** A wheel-set file is small; an alias bomb is refused all the same. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses and validates the text of a `wheels.yaml` file
 * (`apiVersion`, `wheelSets: [...]`). Never throws.
 *
 * @public
 */
export function parseWheelsFile(text: string): WheelsFileParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const lineAt = (offset?: number) =>
    offset === undefined ? undefined : lines.linePos(offset).line;
  if (doc.errors.length > 0) {
    return {
      sets: [],
      fatal: true,
      issues: doc.errors.map(e => ({
        path: '(file)',
        message: `is not valid YAML: ${e.message.split('\n')[0]}`,
        line: lineAt(e.pos[0]),
      })),
    };
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return {
      sets: [],
      fatal: true,
      issues: [{ path: '(file)', message: (e as Error).message }],
    };
  }
  if (root === null || root === undefined) {
    return { sets: [], issues: [], fatal: false };
  }
  if (typeof root !== 'object' || Array.isArray(root)) {
    return {
      sets: [],
      fatal: true,
      issues: [
        {
          path: '(file)',
          message: "must be a mapping with a 'wheelSets' list",
        },
      ],
    };
  }
  const data = root as Record<string, unknown>;
  const issues: ImagesFileIssue[] = [];
  for (const key of Object.keys(data)) {
    if (key === 'apiVersion') {
      if (data.apiVersion !== IMAGE_FACTORY_API_VERSION) {
        issues.push({
          path: 'apiVersion',
          message: `must be '${IMAGE_FACTORY_API_VERSION}', not ${JSON.stringify(
            data.apiVersion,
          )}`,
        });
      }
    } else if (key !== 'wheelSets') {
      issues.push({ path: key, message: 'is not a known field' });
    }
  }
  if (data.wheelSets === undefined || data.wheelSets === null) {
    return { sets: [], issues, fatal: false };
  }
  if (!Array.isArray(data.wheelSets)) {
    issues.push({ path: 'wheelSets', message: 'must be a list of wheel sets' });
    return { sets: [], issues, fatal: true };
  }
  const seq = doc.get('wheelSets');
  const entryLine = (i: number) => {
    const item = isSeq(seq) ? seq.items[i] : undefined;
    return isNode(item) ? lineAt(item.range?.[0]) : undefined;
  };

  const sets: WheelSet[] = [];
  const firstIndex = new Map<string, number>();
  data.wheelSets.forEach((raw: unknown, i: number) => {
    const base = `wheelSets[${i}]`;
    const name =
      raw && typeof raw === 'object' && typeof (raw as any).name === 'string'
        ? ((raw as any).name as string)
        : undefined;
    const first = name === undefined ? undefined : firstIndex.get(name);
    if (name !== undefined && first !== undefined) {
      issues.push({
        path: `${base}.name`,
        message: `duplicate wheel set name '${name}' (first used by wheelSets[${first}])`,
        entry: name,
        line: entryLine(i),
      });
      return;
    }
    if (name !== undefined) firstIndex.set(name, i);
    const parsed = parseFields(wheelSetSchema, raw, base);
    if (!parsed.success) {
      const line = entryLine(i);
      issues.push(
        ...parsed.issues.map(issue => ({ ...issue, entry: name, line })),
      );
      return;
    }
    sets.push(parsed.data);
  });
  return { sets, issues, fatal: false };
}
