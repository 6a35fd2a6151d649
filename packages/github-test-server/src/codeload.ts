import { IncomingMessage, ServerResponse } from 'node:http';
import { GitHubState } from './GitHubState';
import { CODELOAD_PREFIX } from './handlers/archives';

/**
 * Serves `/_codeload/{owner}/{repo}/legacy.tar.gz/{sha}`: a gzipped tar of the
 * commit made by `git archive`, with everything below one top directory named
 * `{owner}-{repo}-{sha7}`, as codeload.github.com does. Outside the REST API,
 * so neither authenticated nor validated; the server listens on loopback only.
 */
export async function serveCodeload(
  state: GitHubState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [owner, name, format, sha] = url.pathname
    .slice(CODELOAD_PREFIX.length)
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const notFound = () => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404: Not Found');
  };
  if (format !== 'legacy.tar.gz' || !/^[0-9a-f]{40}$/.test(sha ?? '')) {
    notFound();
    return;
  }
  let repo;
  try {
    repo = state.repo(owner, name);
  } catch {
    notFound();
    return;
  }
  if (!(await repo.git.objectExists(sha))) {
    notFound();
    return;
  }
  const prefix = `${repo.owner.login}-${repo.name}-${sha.slice(0, 7)}/`;
  const { stdout, code } = await repo.git.git([
    'archive',
    '--format=tar.gz',
    `--prefix=${prefix}`,
    sha,
  ]);
  if (code !== 0) throw new Error(`git archive ${sha} exited with ${code}`);
  res.writeHead(200, {
    'content-type': 'application/x-gzip',
    'content-length': String(stdout.length),
    'content-disposition': `attachment; filename=${prefix.slice(0, -1)}.tar.gz`,
  });
  res.end(stdout);
}
