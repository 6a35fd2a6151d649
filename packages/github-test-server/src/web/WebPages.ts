import { IncomingMessage, ServerResponse } from 'node:http';
import { GitHubHttpError } from '../errors';
import { GitHubState } from '../GitHubState';
import { PullState, RepoState, UserState } from '../state';
import { editPage, proposeEdit, readForm } from './editPage';
import { escapeHtml, page, renderDiff } from './html';

/** What the pages need from the server. */
export interface WebPagesOptions {
  state: GitHubState;
  /** The reviewer who merges from the page. */
  user: UserState;
  /** Sends the `pull_request` webhook after a merge or close. */
  onPullClosed(repo: RepoState, pr: PullState): void;
}

const STATE_LABELS = { open: 'Open', merged: 'Merged', closed: 'Closed' };

function stateOf(pr: PullState) {
  if (pr.merged) return 'merged';
  return pr.state;
}

/**
 * The few github.com pages a person needs to review the factory's pull
 * requests in dev mode: the list of a repository's pull requests, one pull
 * request with its diff and Merge / Close buttons, a file on a branch, and
 * the file's edit page ("Propose changes" opens a pull request), which the
 * portal's Edit action links to.
 * Served without authentication; the server listens on loopback only.
 */
export class WebPages {
  constructor(private readonly options: WebPagesOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      if (parts.length === 0 && method === 'GET') {
        return this.send(res, 200, this.index());
      }
      const [owner, name, kind, number, verb] = parts;
      const repo = owner && name ? this.findRepo(owner, name) : undefined;
      if (!repo)
        return this.send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
      if (kind === undefined || (kind === 'pulls' && method === 'GET')) {
        return this.send(res, 200, this.pullList(repo));
      }
      if (kind === 'pull' && number) {
        const pr = this.options.state.pull(repo, Number(number));
        if (method === 'POST' && (verb === 'merge' || verb === 'close')) {
          await this.closeOrMerge(repo, pr, verb);
          res.writeHead(303, { location: `/${owner}/${name}/pull/${number}` });
          res.end();
          return undefined;
        }
        if (method === 'GET' && verb === undefined) {
          return this.send(res, 200, await this.pullPage(repo, pr));
        }
      }
      if (kind === 'edit' && parts.length >= 5) {
        const ref = parts[3];
        const path = parts.slice(4).join('/');
        const content = await this.options.state.readFile(repo, ref, path);
        if (!content)
          return this.send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
        if (method === 'GET') {
          return this.send(
            res,
            200,
            editPage(repo, ref, path, content.toString('utf8')),
          );
        }
        if (method === 'POST') {
          const form = await readForm(req);
          const pr = await proposeEdit({
            state: this.options.state,
            repo,
            user: this.options.user,
            ref,
            path,
            content: form.get('content') ?? '',
            message: form.get('message') || `Update ${path}`,
          });
          res.writeHead(303, {
            location: `/${owner}/${name}/pull/${pr.number}`,
          });
          res.end();
          return undefined;
        }
      }
      if (kind === 'blob' && method === 'GET' && parts.length >= 5) {
        const ref = parts[3];
        const path = parts.slice(4).join('/');
        const content = await this.options.state.readFile(repo, ref, path);
        if (!content)
          return this.send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
        return this.send(
          res,
          200,
          page(
            path,
            `<h1>${escapeHtml(
              `${repo.owner.login}/${repo.name}`,
            )}: ${escapeHtml(path)} on ${escapeHtml(ref)}</h1><pre>${escapeHtml(
              content.toString('utf8'),
            )}</pre>`,
          ),
        );
      }
      return this.send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
    } catch (error) {
      if (error instanceof GitHubHttpError) {
        const message = String((error.body as { message?: string }).message);
        return this.send(
          res,
          error.status,
          page(message, `<h1>${escapeHtml(message)}</h1>`),
        );
      }
      throw error;
    }
  }

  private findRepo(owner: string, name: string) {
    return this.options.state.repos.get(`${owner}/${name}`.toLowerCase());
  }

  private index() {
    const repos = [...this.options.state.repos.values()]
      .map(r => {
        const full = `${r.owner.login}/${r.name}`;
        return `<li><a href="/${escapeHtml(full)}/pulls">${escapeHtml(
          full,
        )}</a> (${
          r.pulls.filter(p => p.state === 'open').length
        } open pull requests)</li>`;
      })
      .join('');
    return page('Repositories', `<h1>Repositories</h1><ul>${repos}</ul>`);
  }

  private pullList(repo: RepoState) {
    const full = `${repo.owner.login}/${repo.name}`;
    const rows = [...repo.pulls]
      .reverse()
      .map(
        pr =>
          `<tr><td>#${pr.number}</td><td><a href="/${escapeHtml(full)}/pull/${
            pr.number
          }">${escapeHtml(pr.title)}</a></td><td><span class="state ${stateOf(
            pr,
          )}">${stateOf(pr)}</span></td><td>${escapeHtml(pr.head)}</td></tr>`,
      )
      .join('');
    return page(
      `Pull requests · ${full}`,
      `<h1>Pull requests of ${escapeHtml(full)}</h1>
<table><thead><tr><th>#</th><th>Title</th><th>State</th><th>Branch</th></tr></thead>
<tbody>${
        rows || '<tr><td colspan="4">No pull requests yet</td></tr>'
      }</tbody></table>`,
    );
  }

  private async pullPage(repo: RepoState, pr: PullState) {
    const full = `${repo.owner.login}/${repo.name}`;
    const { headSha, baseSha } = await this.options.state.pullShas(repo, pr);
    const diff = await repo.git.diff(baseSha, headSha);
    const state = stateOf(pr);
    const actions =
      pr.state === 'open'
        ? `<form method="post" action="/${escapeHtml(full)}/pull/${
            pr.number
          }/merge" style="display:inline">
<button class="merge" type="submit">Merge pull request</button></form>
<form method="post" action="/${escapeHtml(full)}/pull/${
            pr.number
          }/close" style="display:inline">
<button type="submit">Close pull request</button></form>`
        : '';
    // Like GitHub, an open pull request says whether it merges cleanly now.
    let mergeability = '';
    if (pr.state === 'open') {
      const clean = (await repo.git.mergeTrees(baseSha, headSha)) !== undefined;
      mergeability = `<p data-testid="mergeable">${
        clean
          ? 'This branch has no conflicts with the base branch'
          : 'This branch has conflicts that must be resolved'
      }</p>`;
    }
    const comments =
      (pr.comments ?? [])
        .map(
          c =>
            `<div class="comment" style="border:1px solid #d0d7de;border-radius:6px;padding:0.5rem 1rem;margin:0.5rem 0"><p><strong>${escapeHtml(
              c.user.login,
            )}</strong> commented</p><div style="white-space:pre-wrap">${escapeHtml(
              c.body,
            )}</div></div>`,
        )
        .join('') || '<p>No comments yet</p>';
    const labels = pr.labels.map(l => escapeHtml(l)).join(', ') || '–';
    const reviewers =
      pr.requestedReviewers.map(r => escapeHtml(r)).join(', ') || '–';
    return page(
      `${pr.title} · Pull Request #${pr.number} · ${full}`,
      `<p><a href="/${escapeHtml(full)}/pulls">${escapeHtml(full)}</a></p>
<h1>${escapeHtml(pr.title)} <span style="color:#6e7781">#${
        pr.number
      }</span></h1>
<p><span class="state ${state}" data-testid="pull-state">${
        STATE_LABELS[state]
      }</span> ${escapeHtml(pr.user.login)} wants to merge ${escapeHtml(
        pr.head,
      )} into ${escapeHtml(pr.base)}</p>
<p>Labels: ${labels} · Reviewers: ${reviewers}</p>
<div style="white-space:pre-wrap;border:1px solid #d0d7de;border-radius:6px;padding:1rem">${escapeHtml(
        pr.body ?? '',
      )}</div>
<h2>Conversation</h2>${comments}
<h2>Files changed</h2>${renderDiff(diff)}
${mergeability}
${actions}`,
    );
  }

  private async closeOrMerge(
    repo: RepoState,
    pr: PullState,
    verb: 'merge' | 'close',
  ) {
    if (verb === 'merge') {
      await this.options.state.mergePull(repo, pr, this.options.user);
    } else if (pr.state === 'open') {
      await this.options.state.closePull(repo, pr);
    } else {
      return;
    }
    this.options.onPullClosed(repo, pr);
  }

  private send(res: ServerResponse, status: number, html: string) {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(html)),
    });
    res.end(html);
    return undefined;
  }
}
