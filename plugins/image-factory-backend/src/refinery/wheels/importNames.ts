const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `name.cpython-311-x86_64-linux-gnu.so`, `name.abi3.so`, `name.so`. */
const EXTENSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_-]+)?\.so$/;

/**
 * What `import` must load for a wheel to work: its top-level packages and
 * modules (from `top_level.txt` when the wheel has one, else from its file
 * names) and every compiled extension module by its dotted name, since a
 * compiled module of the wrong platform or missing a library fails only
 * when it is imported.
 */
export function importNames(
  paths: string[],
  distInfo: string,
  topLevelText?: string,
): string[] {
  const names = new Set<string>();
  const inWheel = paths.filter(
    p => !p.startsWith(`${distInfo}/`) && !/^[^/]+\.data\//.test(p),
  );
  const topLevel = topLevelText
    ?.split('\n')
    .map(l => l.trim())
    .filter(l => IDENTIFIER.test(l));
  if (topLevel?.length) {
    topLevel.forEach(n => names.add(n));
  } else {
    for (const p of inWheel) {
      const parts = p.split('/');
      if (parts.length > 1 && IDENTIFIER.test(parts[0])) names.add(parts[0]);
      else if (parts.length === 1 && /^[A-Za-z_]\w*\.py$/.test(parts[0])) {
        names.add(parts[0].slice(0, -3));
      }
    }
  }
  for (const p of inWheel) {
    const parts = p.split('/');
    const m = EXTENSION.exec(parts[parts.length - 1]);
    if (!m || !parts.slice(0, -1).every(d => IDENTIFIER.test(d))) continue;
    names.add([...parts.slice(0, -1), m[1]].join('.'));
  }
  return [...names].sort();
}
