import JSZip from 'jszip';
import { parse } from 'smol-toml';
import { Parser } from 'tar';
import { normalizeProjectName } from '../wheels/normalizeProjectName';

/** `pyproject.toml` at the top of an sdist: `name-version/pyproject.toml`. */
const PYPROJECT = /^[^/]+\/pyproject\.toml$/;
/** The name at the start of a PEP 508 requirement. */
const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

/** One file of a .tar.gz, or undefined when it has none matching. */
async function fileOfTarGz(bytes: Buffer, wanted: RegExp) {
  let found: Buffer | undefined;
  const parser = new Parser({
    strict: true,
    filter: path => !found && wanted.test(path),
    onReadEntry: entry => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        if (entry.type === 'File') found ??= Buffer.concat(chunks);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    parser.end(bytes);
  });
  return found;
}

async function fileOfZip(bytes: Buffer, wanted: RegExp) {
  const zip = await JSZip.loadAsync(bytes);
  const name = Object.keys(zip.files).find(n => wanted.test(n));
  return name
    ? Buffer.from(await zip.file(name)!.async('uint8array'))
    : undefined;
}

/**
 * The build requirements an sdist declares (PEP 518: `[build-system]
 * requires` of its pyproject.toml), as PEP 503 names, e.g. `setuptools`,
 * `cython`, `cffi`. An sdist without pyproject.toml (setup.py only) has
 * none it declares; an unreadable one is an error naming the file.
 */
export async function readBuildRequirements(sdist: {
  filename: string;
  bytes: Buffer;
}): Promise<string[]> {
  let text: Buffer | undefined;
  try {
    if (sdist.filename.endsWith('.zip')) {
      text = await fileOfZip(sdist.bytes, PYPROJECT);
    } else if (sdist.filename.endsWith('.tar.gz')) {
      text = await fileOfTarGz(sdist.bytes, PYPROJECT);
    }
  } catch (e) {
    throw new Error(
      `${sdist.filename}: cannot be read (${(e as Error).message})`,
    );
  }
  if (!text) return [];
  let toml: Record<string, unknown>;
  try {
    toml = parse(text.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `${sdist.filename}: pyproject.toml is not valid TOML (${
        (e as Error).message.split('\n')[0]
      })`,
    );
  }
  const requires = (toml['build-system'] as { requires?: unknown } | undefined)
    ?.requires;
  if (!Array.isArray(requires)) return [];
  return [
    ...new Set(
      requires.flatMap(r => {
        const name = typeof r === 'string' ? NAME.exec(r)?.[1] : undefined;
        return name ? [normalizeProjectName(name)] : [];
      }),
    ),
  ];
}
