import { CustomErrorBase } from '@backstage/errors';
import type { ImageEntryInput } from '@image-factory/plugin-image-factory-common';
import {
  Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import {
  createNode,
  dropTrailingComments,
  isPlainObject,
  renderItem,
  setValue,
  STRINGIFY_OPTIONS,
} from './imagesYamlEditsNodes';
import {
  blankLinesAfter,
  blankLinesBefore,
  columnOf,
  entrySpan,
  lineEnd,
} from './imagesYamlEditsSpans';
import { ConfigList, IMAGE_LIST } from './configLists';

/**
 * Why an edit of `images.yaml` was refused, so that a caller can answer with
 * the right status: 400 for `invalid-file` and `invalid-change`, 409 for
 * `already-exists`, 404 for `not-found`.
 */
export type ImagesYamlEditErrorReason =
  | 'invalid-file'
  | 'already-exists'
  | 'not-found'
  | 'invalid-change';

/**
 * An edit of `images.yaml` that cannot be made. The message starts with the
 * field path, e.g. `images[2].name: an image named 'hello-web' already exists`.
 */
export class ImagesYamlEditError extends CustomErrorBase {
  /** Path of the offending field: `(file)`, `images`, `images[2].name`, `name`. */
  readonly field: string;
  readonly reason: ImagesYamlEditErrorReason;

  constructor(
    field: string,
    message: string,
    reason: ImagesYamlEditErrorReason,
  ) {
    super(`${field}: ${message}`);
    this.field = field;
    this.reason = reason;
  }
}

/** The file, with `\n` line ends, parsed; `eol` restores the original ends. */
interface LoadedFile {
  text: string;
  eol: '\n' | '\r\n';
  doc: Document.Parsed;
  /** The root mapping; undefined when the file is empty or only comments. */
  root?: YAMLMap;
  /** The list's value: a list, or undefined/null when there is none yet. */
  images?: YAMLSeq | Scalar;
  list: ConfigList;
}

function load(original: string, list: ConfigList): LoadedFile {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const text = original.replace(/\r\n/g, '\n');
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ImagesYamlEditError(
      '(file)',
      `invalid YAML: ${doc.errors[0].message.split('\n')[0]}`,
      'invalid-file',
    );
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { text, eol, doc, list };
  }
  if (!isMap(contents)) {
    throw new ImagesYamlEditError(
      '(file)',
      `must be a mapping with an '${list.key}' list`,
      'invalid-file',
    );
  }
  const images = contents.get(list.key, true);
  if (
    images !== undefined &&
    !isSeq(images) &&
    !(isScalar(images) && images.value === null)
  ) {
    throw new ImagesYamlEditError(
      list.key,
      `must be a list of ${list.noun} entries`,
      'invalid-file',
    );
  }
  return { text, eol, doc, root: contents, images, list };
}

function finish(file: LoadedFile, text: string): string {
  return file.eol === '\n' ? text : text.replace(/\n/g, '\r\n');
}
function entryName(item: unknown): unknown {
  return isMap(item) ? item.get('name') : undefined;
}

/** Indexes of the entries named `name`, in file order. */
function indexesOf(images: LoadedFile['images'], name: string): number[] {
  if (!isSeq(images)) return [];
  const found: number[] = [];
  images.items.forEach((item, i) => {
    if (entryName(item) === name) found.push(i);
  });
  return found;
}
/** Whether nested block lists are indented under their key, as in the file. */
function indentSeqOf(file: LoadedFile): boolean {
  const pair = file.root?.items.find(
    p => isScalar(p.key) && p.key.value === file.list.key,
  );
  const seq = file.images;
  if (!pair || !isScalar(pair.key) || !isSeq(seq) || seq.flow) return true;
  const first = seq.items[0];
  if (!isNode(first) || !first.range || !pair.key.range) return true;
  const span = entrySpan(file.text, first as YAMLMap);
  return span.dashColumn > columnOf(file.text, pair.key.range[0]);
}

function assertEntrySpanEditable(seq: YAMLSeq, item: unknown): boolean {
  return !seq.flow && isMap(item) && !item.flow && item.range !== undefined;
}

/**
 * Adds an entry to `images` in `images.yaml`, after the last one, in block
 * style like the example file, and leaves every other byte of the file as it
 * was (comments, blank lines, quoting, line ends). Creates `images` when the
 * file has none. Only the given fields are written; defaults are not.
 *
 * @throws ImagesYamlEditError when the file cannot be read as an images file
 *   or an entry with the same name exists.
 */
export function addImageEntry(
  text: string,
  entry: ImageEntryInput | Record<string, unknown>,
  list: ConfigList = IMAGE_LIST,
): string {
  if (!isPlainObject(entry) || typeof entry.name !== 'string' || !entry.name) {
    throw new ImagesYamlEditError(
      'name',
      'the new entry must have a name',
      'invalid-change',
    );
  }
  const file = load(text, list);
  const [existing] = indexesOf(file.images, entry.name);
  if (existing !== undefined) {
    throw new ImagesYamlEditError(
      `${list.key}[${existing}].name`,
      `${article(list.noun)} ${list.noun} named '${entry.name}' already exists`,
      'already-exists',
    );
  }
  const node = createNode(file.doc, entry, 'entry');
  const src = file.text;

  // images: [a, b] or a flow root mapping: no block to add to, so the
  // Document writes the file (comments stay, layout may not).
  const hasEntries = isSeq(file.images) && file.images.items.length > 0;
  if (file.root?.flow || (hasEntries && (file.images as YAMLSeq).flow)) {
    if (isSeq(file.images)) {
      file.images.items.push(node);
    } else {
      const seq = new YAMLSeq();
      seq.items.push(node);
      file.root!.set(list.key, seq);
    }
    return finish(file, file.doc.toString(STRINGIFY_OPTIONS));
  }

  if (hasEntries) {
    const items = (file.images as YAMLSeq).items;
    const last = items[items.length - 1];
    if (!isMap(last) || !last.range) {
      throw new ImagesYamlEditError(
        `${list.key}[${items.length - 1}]`,
        'must be a mapping',
        'invalid-file',
      );
    }
    const span = entrySpan(src, last);
    const block = renderItem(node, {
      dashColumn: span.dashColumn,
      indentSeq: indentSeqOf(file),
    });
    if (span.end === src.length && !src.endsWith('\n')) {
      return finish(file, `${src}\n\n${block.replace(/\n$/, '')}`);
    }
    return finish(
      file,
      `${src.slice(0, span.end)}\n${block}${src.slice(span.end)}`,
    );
  }

  // No entries yet: `images:` (or `images: ~`, `images: []`) or no key at all.
  const keyColumn = file.root?.items[0]?.key
    ? columnOf(src, (file.root.items[0].key as Scalar).range![0])
    : 0;
  const block = renderItem(node, {
    dashColumn: keyColumn + 2,
    indentSeq: true,
  });
  const pair = file.root?.items.find(
    p => isScalar(p.key) && p.key.value === list.key,
  );
  if (pair && isNode(pair.value) && pair.value.range) {
    const [valueStart, valueEnd] = pair.value.range;
    let cut = valueStart;
    while (
      valueEnd > valueStart &&
      (src[cut - 1] === ' ' || src[cut - 1] === '\t')
    ) {
      cut -= 1;
    }
    // `images:` with nothing after it: its value is empty, at the key's line end.
    const head = `${src.slice(0, cut)}${src.slice(
      valueEnd,
      lineEnd(src, cut),
    )}`;
    const rest = src.slice(lineEnd(src, cut));
    return finish(
      file,
      `${head}${head.endsWith('\n') ? '' : '\n'}${block}${rest}`,
    );
  }
  const prefix = src === '' || src.endsWith('\n') ? src : `${src}\n`;
  return finish(
    file,
    `${prefix}${' '.repeat(keyColumn)}${list.key}:\n${block}`,
  );
}

/**
 * Removes the entry named `name` from `images.yaml` (every entry of that name,
 * should the file list it twice), with the comment lines directly above it and
 * the blank line that separated it from its neighbour. The rest of the file
 * keeps every byte.
 *
 * @throws ImagesYamlEditError when the file cannot be read as an images file
 *   or has no entry of that name.
 */
export function removeImageEntry(
  text: string,
  name: string,
  list: ConfigList = IMAGE_LIST,
): string {
  let file = load(text, list);
  const found = indexesOf(file.images, name);
  if (found.length === 0) {
    throw notFound(name, list);
  }
  let result = file.text;
  // Last first, so that the offsets of the earlier ones stay right.
  for (const index of [...found].reverse()) {
    const seq = file.images as YAMLSeq;
    const item = seq.items[index];
    if (!assertEntrySpanEditable(seq, item)) {
      seq.items.splice(index, 1);
      result = file.doc.toString(STRINGIFY_OPTIONS);
      file = load(result, list);
      continue;
    }
    const span = entrySpan(result, item as YAMLMap);
    const hasNext = index < seq.items.length - 1;
    if (hasNext) {
      result =
        result.slice(0, span.start) +
        result.slice(blankLinesAfter(result, span.end));
    } else {
      let start = blankLinesBefore(result, span.start);
      if (span.end === result.length && !result.endsWith('\n') && start > 0) {
        start -= 1; // the line end before it, which the file did not have
      }
      result = result.slice(0, start) + result.slice(span.end);
    }
  }
  return finish(file, result);
}

function notFound(name: string, list: ConfigList): ImagesYamlEditError {
  return new ImagesYamlEditError(
    'name',
    `no ${list.noun} named '${name}' in ${list.file}`,
    'not-found',
  );
}

function article(noun: string) {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}
/**
 * Changes fields of the entry named `name`: each given field is set to its
 * value (a mapping such as `source` as a whole: keys it does not list are
 * removed), and `null` removes the field. Comments inside the entry and the
 * rest of the file stay as they were. The name cannot change.
 *
 * @throws ImagesYamlEditError when the file cannot be read as an images file,
 *   has no entry of that name, or the change renames the entry.
 */
export function changeImageEntry(
  text: string,
  name: string,
  changes: Record<string, unknown>,
  list: ConfigList = IMAGE_LIST,
): string {
  if (
    'name' in changes &&
    changes.name !== undefined &&
    changes.name !== name
  ) {
    throw new ImagesYamlEditError(
      'name',
      `cannot change: the name is the ${
        list.noun
      }'s identity (asked to rename '${name}' to ${JSON.stringify(
        changes.name,
      )})`,
      'invalid-change',
    );
  }
  const file = load(text, list);
  const [index] = indexesOf(file.images, name);
  if (index === undefined) {
    throw notFound(name, list);
  }
  const seq = file.images as YAMLSeq;
  const item = seq.items[index] as YAMLMap;
  const editable = assertEntrySpanEditable(seq, item);
  const span = editable ? entrySpan(file.text, item) : undefined;
  const indentSeq = indentSeqOf(file);

  for (const [key, value] of Object.entries(changes)) {
    if (key !== 'name') setValue(file.doc, item, key, value, 'entry');
  }

  if (!span) {
    return finish(file, file.doc.toString(STRINGIFY_OPTIONS));
  }
  // Only the lines from the `-` to the last value are written again: the
  // comments above and below the entry stay in the text as they are.
  item.commentBefore = undefined;
  item.spaceBefore = undefined;
  dropTrailingComments(item);
  let block = renderItem(item, { dashColumn: span.dashColumn, indentSeq });
  if (!file.text.slice(0, span.contentEnd).endsWith('\n')) {
    block = block.replace(/\n$/, '');
  }
  return finish(
    file,
    file.text.slice(0, span.dashLineStart) +
      block +
      file.text.slice(span.contentEnd),
  );
}

/**
 * The entry named `name` as written in `images.yaml` (no defaults applied),
 * or undefined when there is none.
 *
 * @throws ImagesYamlEditError when the file cannot be read as an images file.
 */
export function findImageEntry(
  text: string,
  name: string,
  list: ConfigList = IMAGE_LIST,
): Record<string, unknown> | undefined {
  const file = load(text, list);
  const [index] = indexesOf(file.images, name);
  if (index === undefined) return undefined;
  return (file.images as YAMLSeq).items[index] instanceof YAMLMap
    ? ((file.images as YAMLSeq<YAMLMap>).items[index].toJS(file.doc) as Record<
        string,
        unknown
      >)
    : undefined;
}
