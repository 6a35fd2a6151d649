import { InputError } from '@backstage/errors';
import {
  isValidProjectName,
  normalizeProjectName,
} from './normalizeProjectName';

/**
 * A wheel's file name taken apart (PEP 427, with the compressed tag sets of
 * PEP 425): `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
 */
export type WheelFilename = {
  filename: string;
  /** The name as spelled in the file name (`-` escaped as `_`). */
  name: string;
  /** PEP 503 form of {@link WheelFilename.name}. */
  project: string;
  version: string;
  /** The optional build tag: a tie-breaker between otherwise equal names. */
  build?: string;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
};

/**
 * PEP 440's public version (its appendix's regular expression, with local
 * versions), so that `1.0-bad` cannot enter the index.
 */
const VERSION =
  /^v?(?:(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?)(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;
const TAG = /^[A-Za-z0-9_]+$/;

/** Takes a wheel's file name apart; throws an InputError naming what is wrong. */
export function parseWheelFilename(filename: string): WheelFilename {
  const fail = (why: string) =>
    new InputError(`wheel file name '${filename}' ${why}`);
  if (!filename.endsWith('.whl')) throw fail('does not end in .whl');
  if (filename.includes('/') || filename.includes('\\')) {
    throw fail('must be a bare file name');
  }
  const parts = filename.slice(0, -'.whl'.length).split('-');
  if (parts.length !== 5 && parts.length !== 6) {
    throw fail(
      'must have 5 or 6 dash-separated parts: name-version(-build)-python-abi-platform.whl',
    );
  }
  const [name, version] = parts;
  const build = parts.length === 6 ? parts[2] : undefined;
  const [python, abi, platform] = parts.slice(-3);
  if (!isValidProjectName(name)) throw fail(`has an invalid name '${name}'`);
  if (!VERSION.test(version)) {
    throw fail(`has version '${version}', which is not a PEP 440 version`);
  }
  if (build !== undefined && !/^[0-9][A-Za-z0-9_.]*$/.test(build)) {
    throw fail(`has build tag '${build}', which must start with a digit`);
  }
  const tags = (what: string, value: string) => {
    const set = value.split('.');
    if (set.some(t => !TAG.test(t)))
      throw fail(`has an invalid ${what} tag '${value}'`);
    return set;
  };
  return {
    filename,
    name,
    project: normalizeProjectName(name),
    version,
    build,
    pythonTags: tags('python', python),
    abiTags: tags('abi', abi),
    platformTags: tags('platform', platform),
  };
}
