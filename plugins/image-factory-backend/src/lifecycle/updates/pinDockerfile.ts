import { pinnedRef, namesImage } from './imageNames';
import { notReferenced, PinContext } from './pinContext';

/** `FROM [--flag=…]… image [AS name]`, instruction keywords in any case. */
const FROM = /^(\s*FROM\s+)((?:--\S+\s+)*)(\S+)(.*)$/i;
const AS_NAME = /^\s+AS\s+(\S+)/i;

/**
 * Every `FROM` naming the image gets the pinned reference; flags such as
 * `--platform=$BUILDPLATFORM` and `AS name` stay. A `FROM` of an earlier
 * stage's name is a stage, not an image, and one built from build
 * arguments (`$BASE`) cannot be resolved here, so both are left alone.
 */
export function pinDockerfile(ctx: PinContext): string {
  const { text, image, pinned } = ctx;
  const ref = pinnedRef(image, pinned);
  const stages = new Set<string>();
  let found = 0;
  const lines = text.split('\n').map(line => {
    const cr = line.endsWith('\r') ? '\r' : '';
    const match = FROM.exec(cr ? line.slice(0, -1) : line);
    if (!match) return line;
    const [, from, flags, name, rest] = match;
    const stage = AS_NAME.exec(rest)?.[1]?.toLowerCase();
    const isStage = stages.has(name.toLowerCase());
    if (stage) stages.add(stage);
    if (isStage || name.includes('$') || !namesImage(name, image)) return line;
    found += 1;
    return `${from}${flags}${ref}${rest}${cr}`;
  });
  if (found === 0) {
    throw notReferenced(ctx, 'no FROM line names it');
  }
  return lines.join('\n');
}
