import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { signWebhookBody } from '@image-factory/github-test-server';
import { parseImagesFile } from '@image-factory/plugin-image-factory-common';
import request from 'supertest';
import {
  EnrollmentBackend,
  jane,
  OWNER,
  pat,
  REPO,
  startEnrollmentBackend,
  WEBHOOK_SECRET,
  stopAndCheckGitHub,
} from './__testUtils__/startEnrollmentBackend';
import {
  enroll,
  header,
  octokit,
  unenroll,
  waitFor,
  WEB_API,
} from './__testUtils__/enrollmentRequests';

jest.setTimeout(90_000);

const WEB_API_2 = {
  ...WEB_API,
  name: 'web-api-2',
  title: 'Web API 2',
  reference: 'localhost:5000/apps/web-api-2',
};

async function changeRequest(b: EnrollmentBackend, id: string) {
  const res = await request(b.server)
    .get(`/api/image-factory/enrollments/${id}`)
    .set('Authorization', header(pat));
  return res.body;
}

async function pull(b: EnrollmentBackend, number: number) {
  return (
    await octokit(b).rest.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: number,
    })
  ).data;
}

async function comments(b: EnrollmentBackend, number: number) {
  const answer = await octokit(b).rest.issues.listComments({
    owner: OWNER,
    repo: REPO,
    issue_number: number,
  });
  return answer.data.map(c => c.body ?? '');
}

/** A pull request made by hand (not by the factory) that sets images.yaml, merged at once. */
async function mergeByHand(b: EnrollmentBackend, text: string) {
  const o = octokit(b);
  const main = await o.rest.git.getRef({
    owner: OWNER,
    repo: REPO,
    ref: 'heads/main',
  });
  await o.rest.git.createRef({
    owner: OWNER,
    repo: REPO,
    ref: 'refs/heads/by-hand',
    sha: main.data.object.sha,
  });
  const file = await o.rest.repos.getContent({
    owner: OWNER,
    repo: REPO,
    path: 'images.yaml',
    ref: 'by-hand',
  });
  await o.rest.repos.createOrUpdateFileContents({
    owner: OWNER,
    repo: REPO,
    path: 'images.yaml',
    branch: 'by-hand',
    message: 'By hand',
    sha: (file.data as { sha: string }).sha,
    content: Buffer.from(text).toString('base64'),
  });
  const pr = await o.rest.pulls.create({
    owner: OWNER,
    repo: REPO,
    head: 'by-hand',
    base: 'main',
    title: 'By hand',
  });
  await b.github.mergePullRequest(OWNER, REPO, pr.data.number);
  await b.github.flushWebhooks();
}

describe('the factory keeps its pull requests on top of the base branch', () => {
  let b: EnrollmentBackend | undefined;
  afterEach(async () => {
    const stopped = b;
    b = undefined;
    await stopAndCheckGitHub(stopped);
  });

  it('re-applies an open enrollment after another one is merged, so both end up in images.yaml', async () => {
    b = await startEnrollmentBackend();
    const first = await enroll(b, jane, { image: WEB_API });
    const second = await enroll(b, jane, { image: WEB_API_2 });
    expect([first.status, second.status]).toEqual([201, 201]);
    const number = second.body.enrollment.pullRequest.number;
    const before = await pull(b, number);

    // Both append to the list: once the first is merged, the second no
    // longer merges as it was made.
    await b.github.mergePullRequest(OWNER, REPO, 1);
    await b.github.flushWebhooks();

    const after = await pull(b, number);
    expect(after.state).toBe('open');
    expect(after.mergeable).toBe(true);
    expect(after.head.sha).not.toBe(before.head.sha);
    expect(after.base.sha).not.toBe(before.base.sha);
    // One commit on the new head; the description and conversation stay.
    expect(after.commits).toBe(1);
    expect(after.title).toBe(before.title);
    expect(after.body).toBe(before.body);
    const said = await comments(b, number);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('**Re-applied on the new base**');
    expect(said[0]).toContain('main moved to');

    const state = await changeRequest(b, second.body.enrollment.id);
    expect(state.state).toBe('open');
    expect(state.sync).toMatchObject({
      state: 'reapplied',
      baseSha: after.base.sha,
    });
    expect(state.sync.message).toContain('applied this change again');

    await b.github.mergePullRequest(OWNER, REPO, number);
    await b.github.flushWebhooks();
    const text = await b.github.readFile(OWNER, REPO, 'main', 'images.yaml');
    const parsed = parseImagesFile(text!);
    expect(parsed.issues).toEqual([]);
    expect(parsed.images.map(i => i.name)).toEqual(
      expect.arrayContaining(['web-api', 'web-api-2', 'hello-web']),
    );
    // The comments of the example file are still there.
    expect(text).toContain('# Used as is; the factory only watches');
    // A merged request is not touched again.
    expect(await comments(b, number)).toHaveLength(1);
  });

  it('reports a real conflict with what to do instead of rewriting it, and asking again is not a dead end', async () => {
    b = await startEnrollmentBackend();
    const mine = await enroll(b, jane, { image: WEB_API });
    const change = await request(b.server)
      .post('/api/image-factory/images/hello-web/changes')
      .set('Authorization', header(jane))
      .send({ changes: { title: 'Hello, web' } });
    const removal = await unenroll(b, jane, 'hello-web', {});
    expect([mine.status, change.status, removal.status]).toEqual([
      201, 201, 201,
    ]);
    const enrollPr = await pull(b, mine.body.enrollment.pullRequest.number);
    const changePr = await pull(b, change.body.enrollment.pullRequest.number);

    // Someone adds web-api by hand: the factory's enrollment of web-api is a
    // real conflict (the same entry twice).
    const main = await b.github.readFile(OWNER, REPO, 'main', 'images.yaml');
    await mergeByHand(
      b,
      `${main}\n  - name: web-api\n    type: managed\n    owner: team-web\n    reference: localhost:5000/apps/other-web-api\n    source:\n      repo: acme/web-api\n`,
    );
    const conflicted = await changeRequest(b, mine.body.enrollment.id);
    expect(conflicted.sync.state).toBe('conflict');
    expect(conflicted.sync.message).toBe(
      'images.yaml on main has an image named web-api now (added by another change). Close this pull request, then ask for a change of web-api from its page, or enroll this one under another name.',
    );
    const enrollNow = await pull(b, enrollPr.number);
    expect(enrollNow.head.sha).toBe(enrollPr.head.sha); // Not rewritten.
    expect((await comments(b, enrollPr.number))[0]).toContain(
      '**The Image Factory cannot update this pull request**',
    );
    // The change of hello-web touched another entry: re-applied, not a conflict.
    expect((await changeRequest(b, change.body.enrollment.id)).sync.state).toBe(
      'reapplied',
    );

    // The un-enrollment is merged: the change of hello-web has lost its entry.
    await b.github.mergePullRequest(
      OWNER,
      REPO,
      removal.body.enrollment.pullRequest.number,
    );
    await b.github.flushWebhooks();
    const lost = await changeRequest(b, change.body.enrollment.id);
    expect(lost.sync.state).toBe('conflict');
    expect(lost.sync.message).toBe(
      'hello-web is no longer in images.yaml on main: another change removed it. Close this pull request, and enroll the image again if it is still wanted.',
    );
    expect((await pull(b, changePr.number)).state).toBe('open');

    // Asking to enroll web-api again says why, rather than returning the dead end.
    const again = await enroll(b, jane, { image: WEB_API });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/web-api.*already exists/);
  });

  it('replaces a conflicted change request when the same change is asked for again', async () => {
    b = await startEnrollmentBackend();
    const ask = () =>
      request(b!.server)
        .post('/api/image-factory/images/hello-web/changes')
        .set('Authorization', header(jane))
        .send({ changes: { title: 'Hello, web' } });
    const first = await ask();
    expect(first.status).toBe(201);
    const oldNumber = first.body.enrollment.pullRequest.number;

    // Someone else changes the same entry by hand.
    const main = await b.github.readFile(OWNER, REPO, 'main', 'images.yaml');
    expect(main).toContain('description: A tiny web server');
    await mergeByHand(
      b,
      main!.replace(
        'description: A tiny web server',
        'description: The tiny web server',
      ),
    );
    const conflicted = await changeRequest(b, first.body.enrollment.id);
    expect(conflicted.sync.state).toBe('conflict');
    expect(conflicted.sync.message).toContain(
      'hello-web was changed in images.yaml on main by another change since this request',
    );

    // Asking again: a new pull request from the entry as it is now.
    const again = await ask();
    expect(again.status).toBe(201);
    expect(again.body.reused).toBe(false);
    expect(again.body.enrollment.pullRequest.number).not.toBe(oldNumber);
    expect((await pull(b, oldNumber)).state).toBe('closed');
    expect((await changeRequest(b, first.body.enrollment.id)).state).toBe(
      'closed',
    );
    expect((await comments(b, oldNumber)).pop()).toContain(
      'Closed by the Image Factory: the same change was asked for again',
    );
    const text = await b.github.readFile(
      OWNER,
      REPO,
      again.body.enrollment.pullRequest.branch,
      'images.yaml',
    );
    expect(text).toContain('description: The tiny web server');
    expect(text).toContain('title: Hello, web');
    expect(
      (await pull(b, again.body.enrollment.pullRequest.number)).mergeable,
    ).toBe(true);
  });

  it('re-applies in the poll when no webhook arrives', async () => {
    b = await startEnrollmentBackend({
      // The real scheduler, so that the poll runs every second.
      features: [schedulerServiceFactory],
      enrollment: {
        pollSchedule: { frequency: { seconds: 1 }, timeout: { seconds: 30 } },
      },
    });
    b.github.setWebhook(undefined);
    const first = await enroll(b, jane, { image: WEB_API });
    const second = await enroll(b, jane, { image: WEB_API_2 });
    await b.github.mergePullRequest(
      OWNER,
      REPO,
      first.body.enrollment.pullRequest.number,
    );
    const synced = await waitFor(
      () => changeRequest(b!, second.body.enrollment.id),
      e => e.sync?.state === 'reapplied',
    );
    expect(synced.sync.state).toBe('reapplied');
    expect(
      (await pull(b, second.body.enrollment.pullRequest.number)).mergeable,
    ).toBe(true);
    expect(b.github.webhookDeliveries()).toEqual([]);
  });

  it('re-applies on a push webhook for the base branch', async () => {
    b = await startEnrollmentBackend();
    const res = await enroll(b, jane, { image: WEB_API });
    const { number } = res.body.enrollment.pullRequest;
    // main moves without a pull request: a line added at the end of the list.
    const main = await b.github.readFile(OWNER, REPO, 'main', 'images.yaml');
    const o = octokit(b);
    const file = await o.rest.repos.getContent({
      owner: OWNER,
      repo: REPO,
      path: 'images.yaml',
      ref: 'main',
    });
    await o.rest.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo: REPO,
      path: 'images.yaml',
      branch: 'main',
      message: 'Pushed',
      sha: (file.data as { sha: string }).sha,
      content: Buffer.from(`${main}  # pushed\n`).toString('base64'),
    });
    expect((await pull(b, number)).mergeable).toBe(false);

    const send = (body: object) => {
      const raw = JSON.stringify(body);
      return request(b!.server)
        .post('/api/image-factory/webhooks/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .set('x-hub-signature-256', signWebhookBody(WEBHOOK_SECRET, raw))
        .send(raw);
    };
    const other = await send({
      ref: 'refs/heads/feature',
      repository: { full_name: `${OWNER}/${REPO}` },
    });
    expect(other.status).toBe(202);
    expect((await pull(b, number)).mergeable).toBe(false);

    const pushed = await send({
      ref: 'refs/heads/main',
      repository: { full_name: `${OWNER}/${REPO}` },
    });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toEqual({ result: 'synced' });
    expect((await pull(b, number)).mergeable).toBe(true);
    const text = await b.github.readFile(
      OWNER,
      REPO,
      res.body.enrollment.pullRequest.branch,
      'images.yaml',
    );
    expect(text).toContain('# pushed');
    expect(text).toContain('name: web-api');
  });
});
