import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startGitHubTestServer } from './startGitHubTestServer';
import { GitHubTestRepoSeed } from './types';

// Runs the server on its own, for the portal's dev mode:
//   yarn workspace @image-factory/github-test-server start \
//     --port 7010 --token dev-token --repo acme/factory-config=./examples/config \
//     --data .run/github
// Each --repo is owner/name, optionally =DIR to seed its first commit with DIR's files.
// --data DIR keeps repositories and pull requests across restarts: a repository
// already there is not seeded again (delete DIR to start afresh).

function readFiles(dir: string, root = dir): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      Object.assign(files, readFiles(path, root));
    } else {
      files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

function parseArgs(argv: string[]) {
  const repos: GitHubTestRepoSeed[] = [];
  let port: number | undefined;
  let token: string | undefined;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag}: a value is required`);
    if (flag === '--port') port = Number(value);
    else if (flag === '--token') token = value;
    else if (flag === '--data') dataDir = value;
    else if (flag === '--repo') {
      const [fullName, dir] = value.split('=');
      const [owner, name] = fullName.split('/');
      if (!owner || !name)
        throw new Error(`--repo: expected owner/name[=DIR], got '${value}'`);
      repos.push({ owner, name, files: dir ? readFiles(dir) : undefined });
    } else throw new Error(`unknown option ${flag}`);
  }
  return { port, token, repos, dataDir };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const webhookUrl = process.env.GITHUB_TEST_SERVER_WEBHOOK_URL;
  const server = await startGitHubTestServer({
    ...options,
    webhook: webhookUrl
      ? {
          url: webhookUrl,
          secret: process.env.GITHUB_TEST_SERVER_WEBHOOK_SECRET ?? '',
        }
      : undefined,
  });
  process.stdout.write(
    `GitHub test server: baseUrl ${server.baseUrl} token ${
      server.token
    } repos ${options.repos.map(r => `${r.owner}/${r.name}`).join(', ')}${
      options.dataDir ? ` data ${options.dataDir}` : ''
    }\n`,
  );
  const stop = () => {
    const found = server.violations();
    if (found.length > 0)
      process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
    server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
