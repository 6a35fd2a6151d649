/**
 * Positions in the text of `images.yaml`: where an entry's lines start and end,
 * with the comments that belong to it. Offsets index a text whose lines end
 * with `\n`.
 */
import { isMap, isNode, isPair, isScalar, isSeq, YAMLMap } from 'yaml';

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the `\n` that ends the line holding `offset`. */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function isBlankLine(line: string): boolean {
  return line.trim() === '';
}

/**
 * The text of an entry as lines: from its `-` to the end of its last line,
 * plus the comment lines directly above it (no blank line between).
 */
export interface EntrySpan {
  /** Start of the first attached comment line, or of the `-` line. */
  start: number;
  /** Start of the line that holds the `-`. */
  dashLineStart: number;
  /** Column of the `-`. */
  dashColumn: number;
  /** Just past the last line that holds a value of the entry. */
  contentEnd: number;
  /**
   * Just past the comment lines that follow the entry, indented deeper than
   * its `-`, which belong to it; `contentEnd` when there are none.
   */
  end: number;
}

export function entrySpan(text: string, item: YAMLMap): EntrySpan {
  const contentStart = item.range![0];
  let dash = contentStart - 1;
  while (dash >= 0 && text[dash] !== '-') dash -= 1;
  const dashLineStart = lineStart(text, dash);
  let last = lastValueEnd(item);
  while (last > contentStart && /\s/.test(text[last - 1])) last -= 1;
  const contentEnd = lineEnd(text, last - 1);
  const dashColumn = dash - dashLineStart;
  let end = contentEnd;
  for (let next = end; next < text.length; ) {
    const nextEnd = lineEnd(text, next);
    const line = text.slice(next, nextEnd);
    if (isBlankLine(line)) {
      next = nextEnd;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (!line.trimStart().startsWith('#') || indent <= dashColumn) break;
    end = nextEnd;
    next = nextEnd;
  }
  let start = dashLineStart;
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    if (!text.slice(previous, start).trimStart().startsWith('#')) break;
    start = previous;
  }
  return { start, dashLineStart, dashColumn, contentEnd, end };
}

/**
 * Where the last value inside `node` ends. The range of a block collection
 * can run over the comments that follow it; the range of its last scalar does
 * not.
 */
function lastValueEnd(node: unknown): number {
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    if (!isPair(last)) return lastValueEnd(last);
    const value = last.value;
    if (isScalar(value) && value.value === null && !value.source) {
      // `key:` with nothing after it: the key ends the entry.
      return lastValueEnd(last.key);
    }
    return lastValueEnd(value);
  }
  return isNode(node) && node.range ? node.range[1] : 0;
}

/** Blank lines right before `offset` (a line start): their first offset. */
export function blankLinesBefore(text: string, offset: number): number {
  let start = offset;
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    if (!isBlankLine(text.slice(previous, start))) break;
    start = previous;
  }
  return start;
}

/** Blank lines from `offset` (a line start) on: the offset past them. */
export function blankLinesAfter(text: string, offset: number): number {
  let end = offset;
  while (end < text.length) {
    const next = lineEnd(text, end);
    if (!isBlankLine(text.slice(end, next))) break;
    end = next;
  }
  return end;
}
