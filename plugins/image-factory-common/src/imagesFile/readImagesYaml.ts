import { CORE_SCHEMA, load } from 'js-yaml';
import { Document, isNode, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ImagesFileIssue } from './parseImagesFile';
import { mayUseAliases, readWithAliasLimit } from './readWithAliasLimit';

/** The data of an images.yaml text, or the issues that stop it from being read. */
export type ImagesYamlRead =
  | {
      ok: true;
      data: unknown;
      /** 1-based line of the i-th entry of `images`; computed on first use. */
      entryLine(index: number): number | undefined;
      /** Entries refused on their own (aliases that expand too far), by index. */
      entryErrors?: Map<number, string>;
    }
  | { ok: false; issues: ImagesFileIssue[] };

/**
 * Reads YAML in two speeds. js-yaml reads a valid file about ten times faster
 * than the `yaml` package, which matters for files of thousands of images; but
 * only `yaml` keeps source positions. So js-yaml reads the data, and a `yaml`
 * Document is built only when a diagnostic needs a line number or js-yaml
 * refuses the text.
 */
export function readImagesYaml(text: string): ImagesYamlRead {
  let documentWithLines: { doc: Document; lines: LineCounter } | undefined;
  const diagnostics = () => {
    if (!documentWithLines) {
      const lines = new LineCounter();
      const doc = parseDocument(text, {
        lineCounter: lines,
        prettyErrors: false,
        uniqueKeys: true,
      });
      documentWithLines = { doc, lines };
    }
    return documentWithLines;
  };
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : diagnostics().lines.linePos(offset).line;
  const entryLine = (index: number) => {
    const seq = diagnostics().doc.get('images');
    const node = isSeq(seq) ? seq.items[index] : undefined;
    return isNode(node) ? lineOf(node.range?.[0]) : undefined;
  };

  // js-yaml does not limit alias expansion, so a text that may use aliases
  // takes the careful way; the others (nearly all files) the fast one.
  if (!mayUseAliases(text)) {
    try {
      // CORE_SCHEMA: YAML 1.2 core types only (no timestamps or binary), as `yaml` reads them.
      const data = load(text, { schema: CORE_SCHEMA });
      return { ok: true, data, entryLine };
    } catch {
      // Fall through: the `yaml` parser says precisely what is wrong, and where.
    }
  }

  const { doc } = diagnostics();
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map(e => ({
        path: '(file)',
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
        line: lineOf(e.pos[0]),
      })),
    };
  }
  const read = readWithAliasLimit(doc);
  if (read.fileError) {
    return { ok: false, issues: [{ path: '(file)', message: read.fileError }] };
  }
  return {
    ok: true,
    data: read.data,
    entryLine,
    entryErrors: read.entryErrors,
  };
}
