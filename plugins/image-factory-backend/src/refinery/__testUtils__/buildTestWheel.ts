import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Debian's Python (python3-pip, -setuptools, -wheel, -venv, -dev, which
 * ./scripts/test installs): the interpreter that builds test wheels and
 * installs them from the refinery's index, as a user's pip would.
 */
export const PYTHON = '/usr/bin/python3';

/**
 * pip's environment in tests: none of this machine's pip settings (extra
 * indexes, find-links, constraints) take part; with `--isolated`, pip also
 * reads no configuration file.
 */
export function pipEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('PIP_')),
  );
  return { ...env, PIP_CONFIG_FILE: os.devNull };
}

/**
 * Builds a real wheel with `pip wheel` from a one-module project: pure
 * Python, or with a C extension module `<name>._speed` compiled by gcc for
 * this machine (setuptools tags it `linux_x86_64`). No network: no build
 * isolation, no index.
 */
export async function buildTestWheel(options: {
  name: string;
  version: string;
  requiresPython?: string;
  extension?: boolean;
  /** The package's __init__.py instead of the default one. */
  initSource?: string;
}): Promise<{ filename: string; bytes: Buffer }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'refinery-wheel-'));
  try {
    const pkg = options.name.replace(/-/g, '_');
    await fs.mkdir(path.join(dir, 'src', pkg), { recursive: true });
    await fs.writeFile(
      path.join(dir, 'src', pkg, '__init__.py'),
      options.initSource ?? `VERSION = ${JSON.stringify(options.version)}\n`,
    );
    const extension = options.extension
      ? `ext_modules=[Extension("${pkg}._speed", ["src/${pkg}/_speed.c"])],`
      : '';
    if (options.extension) {
      await fs.writeFile(
        path.join(dir, 'src', pkg, '_speed.c'),
        [
          '#include <Python.h>',
          'static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }',
          'static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};',
          'static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speed", NULL, -1, methods};',
          'PyMODINIT_FUNC PyInit__speed(void) { return PyModule_Create(&module); }',
          '',
        ].join('\n'),
      );
    }
    await fs.writeFile(
      path.join(dir, 'setup.py'),
      [
        'from setuptools import setup, Extension',
        'setup(',
        `  name=${JSON.stringify(options.name)}, version=${JSON.stringify(
          options.version,
        )},`,
        `  packages=[${JSON.stringify(pkg)}], package_dir={"": "src"},`,
        options.requiresPython
          ? `  python_requires=${JSON.stringify(options.requiresPython)},`
          : '',
        `  ${extension}`,
        ')',
        '',
      ].join('\n'),
    );
    const out = path.join(dir, 'dist');
    await run(
      PYTHON,
      [
        '-m',
        'pip',
        '--isolated',
        '--disable-pip-version-check',
        'wheel',
        '--no-deps',
        '--no-build-isolation',
        '--no-index',
        '--ignore-requires-python',
        '-w',
        out,
        dir,
      ],
      { env: pipEnvironment() },
    );
    const [filename] = await fs.readdir(out);
    return { filename, bytes: await fs.readFile(path.join(out, filename)) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
