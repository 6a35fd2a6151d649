import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { signWebhookBody, startGitHubTestServer } from './index';
import type { GitHubTestServer } from './index';

// Rendering and servers are slow on a busy 2-core machine.
jest.setTimeout(30_000);

const quiet = () => {};

describe('webhooks', () => {
  let server: GitHubTestServer;

  afterEach(async () => {
    const violations = server.violations();
    await server.stop();
    // The payloads must match GitHub's webhooks description.
    if (violations.length > 0) {
      throw new Error(
        `Unexpected violations: ${JSON.stringify(violations, null, 2)}`,
      );
    }
  });

  it('delivers a signed pull_request webhook when a pull request is merged', async () => {
    const received: Array<{
      headers: IncomingMessage['headers'];
      body: string;
    }> = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>(resolve =>
      receiver.listen(0, '127.0.0.1', resolve),
    );
    const url = `http://127.0.0.1:${
      (receiver.address() as AddressInfo).port
    }/hooks`;
    server = await startGitHubTestServer({
      webhook: { url, secret: 's3cret' },
      repos: [
        {
          owner: 'acme',
          name: 'factory-config',
          files: { 'images.yaml': '# seed\n' },
        },
      ],
    });
    try {
      const octokit = new Octokit({
        baseUrl: server.baseUrl,
        auth: server.token,
        log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      });
      const params = { owner: 'acme', repo: 'factory-config' };
      const { data: main } = await octokit.rest.git.getRef({
        ...params,
        ref: 'heads/main',
      });
      await octokit.rest.git.createRef({
        ...params,
        ref: 'refs/heads/change',
        sha: main.object.sha,
      });
      const { data: file } = await octokit.rest.repos.getContent({
        ...params,
        path: 'images.yaml',
      });
      await octokit.rest.repos.createOrUpdateFileContents({
        ...params,
        path: 'images.yaml',
        message: 'change',
        content: Buffer.from('images: []\n').toString('base64'),
        sha: (file as { sha: string }).sha,
        branch: 'change',
      });
      const { data: pr } = await octokit.rest.pulls.create({
        ...params,
        title: 'Change',
        head: 'change',
        base: 'main',
      });

      const mergeSha = await server.mergePullRequest(
        'acme',
        'factory-config',
        pr.number,
      );
      await server.flushWebhooks();

      expect(received).toHaveLength(1);
      const [{ headers, body }] = received;
      expect(headers['x-github-event']).toBe('pull_request');
      expect(headers['x-github-delivery']).toEqual(expect.any(String));
      expect(headers['x-hub-signature-256']).toBe(
        signWebhookBody('s3cret', body),
      );
      expect(JSON.parse(body)).toMatchObject({
        action: 'closed',
        number: pr.number,
        pull_request: { merged: true, merge_commit_sha: mergeSha },
        repository: { full_name: 'acme/factory-config' },
        sender: { login: 'image-factory-bot' },
      });
      expect(server.webhookDeliveries()).toEqual([
        expect.objectContaining({ status: 204 }),
      ]);
    } finally {
      await new Promise(resolve => receiver.close(resolve));
    }
  });
});
