/**
 * Edits of YAML text made at the offsets the `yaml` parser reports, so that
 * every byte outside the edited values (comments, blank lines, quoting, flow
 * style, other documents) stays as it was. Re-stringifying a Document would
 * re-indent and re-quote the whole file.
 */
import { InputError } from '@backstage/errors';
import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parse,
  parseAllDocuments,
  Scalar,
  YAMLMap,
} from 'yaml';

/** Replace `text.slice(start, end)` with `insert`. */
export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** Applies edits that do not overlap, from the last to the first. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('Overlapping YAML edits');
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/**
 * The documents of a YAML file; a file YAML cannot read is an `InputError`
 * on `field`, since nothing in it can be pinned.
 */
export function parseYamlFile(
  text: string,
  where: string,
  field: string,
): Document.Parsed[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return []; // an empty file
  for (const doc of documents) {
    const [error] = doc.errors;
    if (error) {
      throw new InputError(
        `${field}: ${where} is not valid YAML (${
          error.message.split('\n')[0]
        })`,
      );
    }
  }
  return documents;
}

/**
 * `value` written in `style` when that is the style of the node it
 * replaces; a plain scalar only when YAML reads it back as the same string
 * (kustomize would read `newTag: 1.10` as the number 1.1).
 */
export function scalarText(value: string, style?: Scalar['type']): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  let plainReadsBack = false;
  try {
    plainReadsBack =
      /^[\w./-][^\s,[\]{}#]*$/.test(value) && parse(value) === value;
  } catch {
    plainReadsBack = false;
  }
  return plainReadsBack ? value : JSON.stringify(value);
}

/** Sets a scalar's value in place, keeping its quoting, anchor and tag. */
export function setScalar(text: string, node: Scalar, value: string): TextEdit {
  const [start, end] = node.range!;
  const written = scalarText(value, node.type);
  // `key:` with no value: the parser puts the empty scalar right after the colon.
  const insert =
    start === end && text[start - 1] === ':' ? ` ${written}` : written;
  return { start, end, insert };
}

/** Where the last value inside `node` ends (a block map's range runs over trailing comments). */
function lastValueEnd(node: unknown): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    if (!isPair(last)) return lastValueEnd(last);
    const value = last.value;
    if (isScalar(value) && value.value === null && !value.source) {
      return lastValueEnd(last.key);
    }
    return lastValueEnd(value);
  }
  return isNode(node) && node.range ? node.range[1] : 0;
}

/** Adds pairs after the last pair of a map, in the map's own style. */
export function addPairs(
  text: string,
  map: YAMLMap,
  pairs: Array<[key: string, value: string]>,
): TextEdit {
  const written = pairs.map(([key, value]) => `${key}: ${scalarText(value)}`);
  if (map.flow) {
    let close = map.range![1] - 1;
    while (close > 0 && text[close] !== '}') close -= 1;
    let at = close;
    while (at > 0 && /[ \t]/.test(text[at - 1])) at -= 1;
    const lead = map.items.length > 0 ? ', ' : '';
    return { start: at, end: at, insert: lead + written.join(', ') };
  }
  const firstKey = map.items[0].key as Scalar;
  const keyStart = firstKey.range![0];
  const indent = ' '.repeat(
    keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1),
  );
  const last = lastValueEnd(map);
  const newline = text.indexOf('\n', last);
  const at = newline === -1 ? text.length : newline + 1;
  const lead = newline === -1 ? '\n' : '';
  const lines = written.map(line => `${indent}${line}\n`).join('');
  return { start: at, end: at, insert: lead + lines };
}

/**
 * Gives each key of a map its value: an existing scalar is rewritten in
 * place (left alone when it holds the value already), missing keys are
 * added after the last pair. A key holding a list or a map is an
 * `InputError` on `field`.
 */
export function setKeys(
  text: string,
  map: YAMLMap,
  values: Array<[key: string, value: string]>,
  field: string,
): TextEdit[] {
  const edits: TextEdit[] = [];
  const missing: Array<[string, string]> = [];
  for (const [key, value] of values) {
    const node = map.get(key, true);
    if (node === undefined) {
      missing.push([key, value]);
    } else if (!isScalar(node)) {
      throw new InputError(`${field}: ${key} must be a single value`);
    } else if (node.value !== value) {
      edits.push(setScalar(text, node, value));
    }
  }
  if (missing.length > 0) edits.push(addPairs(text, map, missing));
  return edits;
}

/** The string value of `map[key]` with its node, if it is a string scalar. */
export function stringAt(
  map: YAMLMap,
  key: string,
): { node: Scalar; value: string } | undefined {
  const node = map.get(key, true);
  if (isScalar(node) && typeof node.value === 'string') {
    return { node, value: node.value };
  }
  return undefined;
}
