/**
 * A PEP 508 requirement as a wheel set lists it: a project, its extras and
 * PEP 440 version specifiers. Markers and direct URLs are refused: the
 * refinery builds for the targets the set names, from its upstream index.
 *
 * @public
 */
export interface WheelRequirement {
  /** As written, e.g. `MarkupSafe`. */
  name: string;
  /** PEP 503 normalised, e.g. `markupsafe`. */
  project: string;
  /** Extras asked for, e.g. `socks` of `requests[socks]`. */
  extras: string[];
  /** Clauses such as `>=2.1` and `<3`, in order; none means any version. */
  specifiers: string[];
}

const NAME = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;
// PEP 440 public versions, loosely: digits and dots, optional pre/post/dev parts.
const VERSION =
  /^v?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:[-_.]?(?:post|rev|r)[-_.]?\d*|-\d+)?(?:[-_.]?dev[-_.]?\d*)?$/i;
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*([^\s<>=!~]\S*)$/;

/** PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`. @public */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function clauseProblem(clause: string): string | undefined {
  const m = CLAUSE.exec(clause);
  if (!m) {
    return `'${clause}' is not a version specifier such as '>=1.2' or '==2.1.*'`;
  }
  const [, op, version] = m;
  if (op === '===') return undefined; // arbitrary equality: any string
  const wildcard = version.endsWith('.*');
  if (wildcard && op !== '==' && op !== '!=') {
    return `only == and != take a '.*' version ('${clause}')`;
  }
  const bare = wildcard ? version.slice(0, -2) : version;
  if (!VERSION.test(bare)) {
    return `'${version}' is not a PEP 440 version`;
  }
  if (op === '~=' && !bare.includes('.')) {
    return `~= needs at least two release parts, such as ~=1.4`;
  }
  return undefined;
}

/**
 * Reads one requirement line (`MarkupSafe>=2.1,<3`, `requests[socks]==2.31.0`),
 * or says what is wrong with it.
 *
 * @public
 */
export function parseRequirement(
  text: string,
):
  | { ok: true; requirement: WheelRequirement }
  | { ok: false; message: string } {
  const line = text.trim();
  if (line.includes(';')) {
    return {
      ok: false,
      message: `'${line}': environment markers are not supported; a set's targets say where wheels are built`,
    };
  }
  if (line.includes('@') || line.includes('://')) {
    return {
      ok: false,
      message: `'${line}': direct references are not supported; name a project of the upstream index`,
    };
  }
  const m = /^([^[\s<>=!~(]+)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(line);
  if (!m || !NAME.test(m[1])) {
    return {
      ok: false,
      message: `'${line}' does not start with a project name (letters, digits, '.', '_' or '-')`,
    };
  }
  const [, name, extrasText, rest] = m;
  const extras = extrasText
    ? extrasText
        .split(',')
        .map(e => e.trim())
        .filter(Boolean)
    : [];
  const badExtra = extras.find(e => !NAME.test(e));
  if (badExtra !== undefined) {
    return {
      ok: false,
      message: `'${line}': '${badExtra}' is not an extra name`,
    };
  }
  const specifierText = rest.replace(/^\((.*)\)$/, '$1').trim();
  const specifiers = specifierText
    ? specifierText.split(',').map(s => s.trim())
    : [];
  for (const clause of specifiers) {
    const problem = clauseProblem(clause);
    if (problem) return { ok: false, message: `'${line}': ${problem}` };
  }
  return {
    ok: true,
    requirement: {
      name,
      project: normalizeProjectName(name),
      extras,
      specifiers: specifiers.map(s => s.replace(/\s+/g, '')),
    },
  };
}
