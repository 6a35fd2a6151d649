import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveCodeload } from './codeload';
import { loadState, saveState } from './stateFile';
import { FaultQueue } from './faults';
import { GitHubState } from './GitHubState';
import { OpenApiValidator } from './openapi/OpenApiValidator';
import { RepoPermissions, Urls } from './payloads';
import { CODELOAD_PREFIX } from './handlers';
import { RequestHandler } from './RequestHandler';
import {
  GitHubTestServer,
  GitHubTestServerOptions,
  GitHubTestViolation,
} from './types';
import { WebhookSender } from './webhooks';
import { WebPages } from './web/WebPages';

const API_PREFIX = '/api/v3';

let sharedValidator: OpenApiValidator | undefined;

const PERMISSIONS: Record<
  NonNullable<GitHubTestServerOptions['permission']>,
  RepoPermissions
> = {
  admin: { admin: true, maintain: true, push: true, triage: true, pull: true },
  write: {
    admin: false,
    maintain: false,
    push: true,
    triage: true,
    pull: true,
  },
  read: {
    admin: false,
    maintain: false,
    push: false,
    triage: false,
    pull: true,
  },
};

/**
 * Starts a GitHub REST API test server on 127.0.0.1 and a free port, over real
 * bare git repositories, validating every request, response and webhook
 * against GitHub's OpenAPI description.
 *
 * @public
 */
export async function startGitHubTestServer(
  options: GitHubTestServerOptions = {},
): Promise<GitHubTestServer> {
  sharedValidator ??= new OpenApiValidator();
  const validator = sharedValidator;
  // With a data directory the repositories and pull requests outlive the
  // server; without one they live in a temporary directory deleted on stop.
  const dataDir = options.dataDir;
  const rootDir =
    dataDir ?? (await mkdtemp(join(tmpdir(), 'github-test-server-')));
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const state = new GitHubState(rootDir);
  const restored = dataDir ? await loadState(state, dataDir) : false;
  // Saves are chained so that two requests never write the file at once.
  let saving = Promise.resolve();
  const save = () => {
    if (!dataDir) return saving;
    saving = saving.then(() => saveState(state, dataDir));
    return saving;
  };
  const user = state.user(options.login ?? 'image-factory-bot');
  const token = options.token ?? 'test-token';
  const violations: GitHubTestViolation[] = [];
  const faults = new FaultQueue();
  const urls: Urls = { api: '', web: '' };
  const webhooks = new WebhookSender(
    options.webhook,
    validator,
    (issues, name) =>
      violations.push({
        kind: 'webhook',
        method: 'POST',
        path: options.webhook?.url ?? '',
        operation: name,
        issues: issues.map(i => `${i.path || '(root)'}: ${i.message}`),
      }),
  );
  const handler = new RequestHandler({
    state,
    validator,
    faults,
    urls,
    user,
    token,
    permissions: PERMISSIONS[options.permission ?? 'admin'],
    scopes: options.scopes ?? ['repo', 'read:packages'],
    writeDenial: options.writeDenial ?? 'not-found',
    onViolation: v => violations.push(v),
    onPullClosed: (repo, pr) =>
      webhooks.pullRequestClosed(urls, repo, pr, user),
  });

  try {
    for (const seed of options.repos ?? []) {
      // A repository kept from an earlier run is not seeded again.
      if (
        restored &&
        state.repos.has(`${seed.owner}/${seed.name}`.toLowerCase())
      )
        continue;
      await state.createRepo(seed);
    }
    for (const seed of options.packages ?? []) state.createPackage(seed);
    await save();
  } catch (error) {
    if (!dataDir) await rm(rootDir, { recursive: true, force: true });
    throw error;
  }

  const web = new WebPages({
    state,
    user,
    onPullClosed: (repo, pr) =>
      webhooks.pullRequestClosed(urls, repo, pr, user),
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // The REST API under /api/v3, like GitHub Enterprise; web pages elsewhere.
    // Repository archives under /_codeload, as codeload.github.com serves them.
    const reqUrl = req.url ?? '/';
    let served: Promise<unknown>;
    if (reqUrl.startsWith(`${API_PREFIX}/`)) {
      served = handler.handle(req, res, API_PREFIX);
    } else if (reqUrl.startsWith(`${CODELOAD_PREFIX}/`)) {
      served = serveCodeload(state, req, res);
    } else {
      served = web.handle(req, res);
    }
    // Whatever a request changed (a branch, a pull request, a label) is saved.
    if (dataDir && req.method !== 'GET' && req.method !== 'HEAD') {
      served = served.finally(save);
    }
    served.catch(error => {
      violations.push({
        kind: 'server-error',
        method: req.method ?? '',
        path: req.url ?? '',
        issues: [String(error?.stack ?? error)],
      });
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Server Error' }));
    });
  });
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  urls.web = `http://127.0.0.1:${port}`;
  urls.api = `${urls.web}${API_PREFIX}`;

  return {
    baseUrl: urls.api,
    webUrl: urls.web,
    token,
    async stop() {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await webhooks.flush();
      await save();
      if (!dataDir) await rm(rootDir, { recursive: true, force: true });
    },
    async createRepo(owner, name, files) {
      await state.createRepo({ owner, name, files });
      await save();
    },
    createPackage(seed) {
      state.createPackage(seed);
    },
    async readFile(owner, repo, ref, path) {
      const content = await state.readFile(state.repo(owner, repo), ref, path);
      return content?.toString('utf8');
    },
    async mergePullRequest(owner, repo, number) {
      const r = state.repo(owner, repo);
      const pr = state.pull(r, number);
      const sha = await state.mergePull(r, pr, user);
      await save();
      webhooks.pullRequestClosed(urls, r, pr, user);
      return sha;
    },
    async closePullRequest(owner, repo, number) {
      const r = state.repo(owner, repo);
      const pr = state.pull(r, number);
      await state.closePull(r, pr);
      await save();
      webhooks.pullRequestClosed(urls, r, pr, user);
    },
    protectBranch(owner, repo, branch) {
      state.repo(owner, repo).protectedBranches.add(branch);
      void save();
    },
    injectFault(fault) {
      faults.add(fault);
    },
    async listBranches(owner, repo) {
      const refs = await state.repo(owner, repo).git.listRefs('refs/heads/');
      return refs.map(r => r.ref.slice('refs/heads/'.length));
    },
    repoPath(owner, repo) {
      return state.repo(owner, repo).git.dir;
    },
    violations() {
      return [...violations];
    },
    webhookDeliveries() {
      return webhooks.deliveries.map(d => ({ ...d }));
    },
    flushWebhooks() {
      return webhooks.flush();
    },
    setWebhook(webhook) {
      webhooks.setTarget(webhook);
    },
  };
}
