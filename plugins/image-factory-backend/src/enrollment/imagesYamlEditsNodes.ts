/**
 * Writing values into `images.yaml` nodes the way the example file is written:
 * fields in a fixed order, short lists of scalars as `[a, b]`, and as few
 * changed nodes as possible, so that comments and quoting stay.
 */
import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from 'yaml';

/** The order fields are written in, as in `examples/images.yaml`. */
const KEY_ORDER: Record<string, readonly string[]> = {
  entry: [
    'name',
    'type',
    'owner',
    'title',
    'description',
    'reference',
    'platforms',
    'source',
    'buildArgs',
    'rebuild',
    'stages',
    'tags',
  ],
  source: ['provider', 'repo', 'branch', 'dockerfile', 'context'],
  rebuild: ['auto', 'delay', 'coalesceWindow'],
};

/** Lists of scalars up to this length are written `[a, b]`, like `platforms`. */
const FLOW_LIST_MAX_LENGTH = 60;

export const STRINGIFY_OPTIONS = {
  // Never fold a long description over several lines.
  lineWidth: 0,
  flowCollectionPadding: false,
} as const;

export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function orderedKeys(keys: string[], order: readonly string[] = []): string[] {
  const rank = (key: string) => {
    const i = order.indexOf(key);
    return i === -1 ? order.length : i;
  };
  // Array.prototype.sort is stable: unknown keys keep their given order.
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

/** A copy of `value` without undefined fields, with keys in file order. */
function normalize(value: unknown, orderKey?: string): unknown {
  if (Array.isArray(value)) return value.map(v => normalize(v));
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const key of orderedKeys(
    Object.keys(value),
    orderKey ? KEY_ORDER[orderKey] : undefined,
  )) {
    if (value[key] !== undefined) {
      result[key] = normalize(value[key], key);
    }
  }
  return result;
}

/** Short lists of scalars (platforms, stages) are written `[a, b]`. */
function styleShortLists(node: unknown): void {
  if (isSeq(node)) {
    const scalars = node.items.every(isScalar);
    const length = node.items.reduce(
      (sum: number, item) => sum + String((item as Scalar).value).length + 2,
      0,
    );
    if (scalars && node.items.length > 0 && length <= FLOW_LIST_MAX_LENGTH) {
      node.flow = true;
    }
    node.items.forEach(styleShortLists);
  } else if (isMap(node)) {
    node.items.forEach(pair => styleShortLists(pair.value));
  }
}

export function createNode(doc: Document, value: unknown, key?: string) {
  const node = doc.createNode(normalize(value, key));
  styleShortLists(node);
  return node;
}

/**
 * Writes one entry as a block sequence item whose `-` is at `dashColumn`,
 * ending with `\n`.
 */
export function renderItem(
  item: unknown,
  options: { dashColumn: number; indentSeq: boolean },
): string {
  const doc = new Document();
  const seq = new YAMLSeq();
  seq.items.push(item);
  doc.contents = seq;
  const body = doc.toString({
    ...STRINGIFY_OPTIONS,
    indentSeq: options.indentSeq,
  });
  const pad = ' '.repeat(options.dashColumn);
  return body
    .split('\n')
    .map(line => (line === '' ? line : pad + line))
    .join('\n');
}

function equalValues(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Puts a new key where the file order wants it, among the existing ones. */
function insertPair(
  doc: Document,
  map: YAMLMap,
  key: string,
  node: unknown,
  orderKey: string,
) {
  const order = KEY_ORDER[orderKey] ?? [];
  const rank = order.indexOf(key);
  const pair = doc.createPair(key, node);
  const before =
    rank === -1
      ? -1
      : map.items.findIndex(p => {
          const other = order.indexOf(
            String(isScalar(p.key) ? p.key.value : p.key),
          );
          return other > rank;
        });
  if (before === -1) map.items.push(pair);
  else map.items.splice(before, 0, pair);
}

/**
 * Sets `key` of `map` to `value`, changing as few nodes as it can, so that
 * comments and quoting of what stays the same are kept: an unchanged value
 * keeps its node, a changed scalar keeps its node and comment, and a mapping
 * is updated key by key (keys absent from `value` are removed).
 */
export function setValue(
  doc: Document,
  map: YAMLMap,
  key: string,
  value: unknown,
  orderKey: string,
) {
  const existing = map.get(key, true);
  if (value === null || value === undefined) {
    map.delete(key);
    return;
  }
  if (existing === undefined) {
    insertPair(doc, map, key, createNode(doc, value, key), orderKey);
    return;
  }
  if (isNode(existing) && equalValues(existing.toJS(doc), value)) {
    return;
  }
  if (isPlainObject(value) && isMap(existing)) {
    for (const pair of [...existing.items]) {
      const k = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!(k in value) || value[k] === undefined) existing.delete(pair.key);
    }
    for (const [k, v] of Object.entries(value)) {
      setValue(doc, existing, k, v, key);
    }
    return;
  }
  if (isScalar(existing) && !isPlainObject(value) && !Array.isArray(value)) {
    existing.value = value;
    return;
  }
  const node = createNode(doc, value, key);
  if (isSeq(existing) && isSeq(node)) {
    node.flow = existing.flow;
    node.commentBefore = existing.commentBefore;
    node.comment = existing.comment;
  }
  map.set(key, node);
}

/**
 * Forgets the comments after the last value of a block collection and of the
 * collections it ends with. The parser gives them to the collection without
 * counting them in its range; so they stay in the text after the range, and
 * writing them again would double them.
 */
export function dropTrailingComments(node: unknown): void {
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    node.comment = undefined;
    const last = node.items[node.items.length - 1];
    dropTrailingComments(isPair(last) ? last.value : last);
  }
}
