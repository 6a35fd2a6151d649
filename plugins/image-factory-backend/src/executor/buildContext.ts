import dockerignore from '@balena/dockerignore';
import { promises as fs, statSync } from 'fs';
import path from 'path';
import { Readable } from 'stream';
import tar from 'tar-fs';
import { BuildRequestError } from './errors';

/** Checks that `dockerfile` is a relative path inside the context and returns it in POSIX form. */
export function normalizeDockerfilePath(dockerfile: string): string {
  const posix = path.posix.normalize(dockerfile.split(path.sep).join('/'));
  if (
    !dockerfile ||
    path.isAbsolute(dockerfile) ||
    posix === '..' ||
    posix.startsWith('../') ||
    posix === '.'
  ) {
    throw new BuildRequestError(
      `dockerfile: must be a relative path inside the build context, got '${dockerfile}'`,
    );
  }
  return posix;
}

/** Reads the Dockerfile of a build context; a missing one is a {@link BuildRequestError}. */
export async function readDockerfile(
  contextDir: string,
  dockerfile: string,
): Promise<string> {
  const dockerfilePath = normalizeDockerfilePath(dockerfile);
  return fs
    .readFile(path.join(path.resolve(contextDir), dockerfilePath), 'utf8')
    .catch(() => {
      throw new BuildRequestError(
        `dockerfile: no such file '${dockerfilePath}' in the build context`,
      );
    });
}

/** The build context of one build: its tar stream and the Dockerfile's text. */
export interface BuildContext {
  tar: Readable;
  dockerfileText: string;
}

/**
 * Packs `contextDir` as the engine wants it (an uncompressed tar, owned by
 * root), leaving out what `.dockerignore` excludes. Like the Docker CLI it
 * always sends the Dockerfile and `.dockerignore` themselves.
 */
export async function packBuildContext(
  contextDir: string,
  dockerfile: string,
): Promise<BuildContext> {
  const root = path.resolve(contextDir);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new BuildRequestError(
      `contextDir: no such directory '${contextDir}'`,
    );
  }
  const dockerfilePath = normalizeDockerfilePath(dockerfile);
  const dockerfileText = await readDockerfile(root, dockerfile);

  const ignoreText = await fs
    .readFile(path.join(root, '.dockerignore'), 'utf8')
    .catch(() => undefined);
  const rules = ignoreText
    ? dockerignore({ ignorecase: false }).add(ignoreText)
    : undefined;
  // With `!exceptions`, an excluded directory may hold included files, so
  // only files are left out; without them whole directories are skipped.
  const hasExceptions = ignoreText ? /^\s*!/m.test(ignoreText) : false;

  const ignore = (name: string): boolean => {
    if (!rules) return false;
    const rel = path.relative(root, name).split(path.sep).join('/');
    if (!rel || rel === dockerfilePath || rel === '.dockerignore') return false;
    if (!rules.ignores(rel)) return false;
    if (!hasExceptions) return true;
    try {
      return !statSync(name).isDirectory();
    } catch {
      return true;
    }
  };

  const pack = tar.pack(root, {
    ignore,
    map: header => ({ ...header, uid: 0, gid: 0, uname: '', gname: '' }),
  });
  return { tar: pack as unknown as Readable, dockerfileText };
}
