import { Octokit } from '@octokit/rest';
import { startGitHubTestServer } from '../index';

// Loading GitHub's OpenAPI description (tens of MB) is slow on a loaded machine;
// the package's jest.testTimeout is not applied by `backstage-cli repo test`.
jest.setTimeout(60_000);

describe('web pages of the GitHub test server', () => {
  it('shows a pull request with its diff and merges it from the page', async () => {
    const server = await startGitHubTestServer({
      repos: [
        {
          owner: 'acme',
          name: 'cfg',
          files: { 'images.yaml': 'images: []\n' },
        },
      ],
    });
    try {
      const octokit = new Octokit({
        baseUrl: server.baseUrl,
        auth: server.token,
      });
      const main = await octokit.rest.git.getRef({
        owner: 'acme',
        repo: 'cfg',
        ref: 'heads/main',
      });
      await octokit.rest.git.createRef({
        owner: 'acme',
        repo: 'cfg',
        ref: 'refs/heads/change',
        sha: main.data.object.sha,
      });
      const file = await octokit.rest.repos.getContent({
        owner: 'acme',
        repo: 'cfg',
        path: 'images.yaml',
      });
      await octokit.rest.repos.createOrUpdateFileContents({
        owner: 'acme',
        repo: 'cfg',
        path: 'images.yaml',
        branch: 'change',
        message: 'Add <web>',
        sha: (file.data as { sha: string }).sha,
        content: Buffer.from('images:\n  - name: web\n').toString('base64'),
      });
      await octokit.rest.pulls.create({
        owner: 'acme',
        repo: 'cfg',
        head: 'change',
        base: 'main',
        title: 'Enroll <web>',
        body: 'Requested by jane',
      });

      const list = await fetch(`${server.webUrl}/acme/cfg/pulls`);
      expect(await list.text()).toContain('Enroll &lt;web&gt;');

      const pageUrl = `${server.webUrl}/acme/cfg/pull/1`;
      const html = await (await fetch(pageUrl)).text();
      expect(html).toContain('<span class="add">+  - name: web</span>');
      expect(html).toContain('<span class="del">-images: []</span>');
      expect(html).toContain('Merge pull request');
      expect(html).toContain(
        'data-testid="mergeable">This branch has no conflicts with the base branch<',
      );
      await octokit.rest.issues.createComment({
        owner: 'acme',
        repo: 'cfg',
        issue_number: 1,
        body: 'Re-applied on <main>',
      });
      expect(await (await fetch(pageUrl)).text()).toContain(
        'Re-applied on &lt;main&gt;',
      );

      const merge = await fetch(`${pageUrl}/merge`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(merge.status).toBe(303);
      expect(merge.headers.get('location')).toBe('/acme/cfg/pull/1');
      expect(await server.readFile('acme', 'cfg', 'main', 'images.yaml')).toBe(
        'images:\n  - name: web\n',
      );
      const after = await (await fetch(pageUrl)).text();
      expect(after).toContain('data-testid="pull-state">Merged<');
      expect(after).not.toContain('Merge pull request');

      const blob = await fetch(
        `${server.webUrl}/acme/cfg/blob/main/images.yaml`,
      );
      expect(await blob.text()).toContain('- name: web');
      // The edit page (the portal's Edit action) proposes a change as a PR.
      const editUrl = `${server.webUrl}/acme/cfg/edit/main/images.yaml`;
      const edit = await (await fetch(editUrl)).text();
      expect(edit).toContain('  - name: web\n</textarea>');
      expect(edit).toContain('Propose changes');
      const proposed = await fetch(editUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          content: 'images:\n  - name: web\n  - name: api\n',
          message: 'Add api',
        }).toString(),
      });
      expect(proposed.status).toBe(303);
      expect(proposed.headers.get('location')).toBe('/acme/cfg/pull/2');
      const pr2 = await octokit.rest.pulls.get({
        owner: 'acme',
        repo: 'cfg',
        pull_number: 2,
      });
      expect(pr2.data).toMatchObject({ title: 'Add api', state: 'open' });
      expect(
        await server.readFile('acme', 'cfg', pr2.data.head.ref, 'images.yaml'),
      ).toBe('images:\n  - name: web\n  - name: api\n');
      // main is unchanged until the pull request is merged.
      expect(await server.readFile('acme', 'cfg', 'main', 'images.yaml')).toBe(
        'images:\n  - name: web\n',
      );
      expect((await fetch(`${server.webUrl}/acme/nope/pulls`)).status).toBe(
        404,
      );
      expect(server.violations()).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
