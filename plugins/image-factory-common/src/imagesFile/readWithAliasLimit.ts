import { Document, isMap, isNode, isScalar, isSeq } from 'yaml';

/**
 * How many nodes the aliases of one entry may expand to (the `yaml` library's
 * default): enough for shared build args, far from a "billion laughs" file.
 */
export const MAX_ALIAS_COUNT = 100;

/** The data of a document, with the entries whose aliases expand too far. */
export interface AliasLimitedData {
  data: unknown;
  /** Index in `images` → what is wrong with that entry. */
  entryErrors: Map<number, string>;
  /** What is wrong with the file as a whole (a top-level value expands too far). */
  fileError?: string;
}

const TOO_MANY_ALIASES = `uses YAML aliases that expand to more than ${MAX_ALIAS_COUNT} values; write the values out`;

function toJs(
  node: unknown,
  doc: Document,
): { ok: true; value: unknown } | { ok: false } {
  if (!isNode(node)) return { ok: true, value: node };
  try {
    return {
      ok: true,
      value: node.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }),
    };
  } catch (e) {
    // `yaml` throws a ReferenceError for an expansion past the limit.
    if (e instanceof ReferenceError) return { ok: false };
    throw e;
  }
}

/**
 * Turns a parsed document into data entry by entry, so that one entry whose
 * aliases would expand without bound is refused on its own and the other
 * entries stay.
 */
export function readWithAliasLimit(doc: Document): AliasLimitedData {
  const entryErrors = new Map<number, string>();
  const root = doc.contents;
  if (!isMap(root)) {
    const whole = toJs(root, doc);
    return whole.ok
      ? { data: whole.value, entryErrors }
      : { data: undefined, entryErrors, fileError: TOO_MANY_ALIASES };
  }
  const data: Record<string, unknown> = {};
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (key === 'images' && isSeq(pair.value)) {
      data.images = pair.value.items.map((item, index) => {
        const entry = toJs(item, doc);
        if (entry.ok) return entry.value;
        entryErrors.set(index, TOO_MANY_ALIASES);
        // Only the name is kept, so that the issue can say which entry it is.
        const name = isMap(item) ? item.get('name') : undefined;
        return typeof name === 'string' ? { name } : {};
      });
      continue;
    }
    if (key !== 'apiVersion') {
      // Any other top-level key is refused by name; its value is never read.
      data[key] = null;
      continue;
    }
    const value = toJs(pair.value, doc);
    if (!value.ok) {
      return {
        data: undefined,
        entryErrors,
        fileError: `${key}: ${TOO_MANY_ALIASES}`,
      };
    }
    data[key] = value.value;
  }
  return { data, entryErrors };
}

/**
 * True when the text may use an alias (`*name` after a space, a flow
 * indicator or the start of a line). A false alarm only costs the slower,
 * careful read.
 */
export function mayUseAliases(text: string): boolean {
  return /(^|[\s[{,])\*[^\s,\]}]/m.test(text);
}
