import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import request from 'supertest';
import {
  EnrollmentBackend,
  EXAMPLE_IMAGES_YAML,
  jane,
  OWNER,
  pat,
  REPO,
  startEnrollmentBackend,
  stopAndCheckGitHub,
} from './__testUtils__/startEnrollmentBackend';
import {
  enroll,
  expectNothingWritten,
  header,
  octokit,
  unenroll,
  waitFor,
  WEB_API,
} from './__testUtils__/enrollmentRequests';

jest.setTimeout(60_000);

describe('enrollment through GitHub pull requests', () => {
  let b: EnrollmentBackend | undefined;
  afterEach(async () => {
    const stopped = b;
    b = undefined;
    await stopAndCheckGitHub(stopped);
  });

  it('opens one pull request per change, reuses it when asked again, and follows its merge', async () => {
    b = await startEnrollmentBackend();
    const res = await enroll(b, jane, {
      image: WEB_API,
      reason: 'New public API',
    });
    expect(res.status).toBe(201);
    const { enrollment } = res.body;
    expect(res.body.reused).toBe(false);
    expect(enrollment).toMatchObject({
      action: 'enroll',
      imageName: 'web-api',
      state: 'open',
      requestedBy: 'user:default/jane',
      summary: 'Enroll image web-api (managed, owner team-web)',
      reason: 'New public API',
      pullRequest: {
        repo: 'acme/factory-config',
        number: 1,
        branch: 'image-factory/enroll-web-api',
      },
    });
    expect(enrollment.pullRequest.url).toBe(
      `${b.github.webUrl}/acme/factory-config/pull/1`,
    );

    // One commit on the branch; every line of the file is kept, comments too.
    const edited = await b.github.readFile(
      OWNER,
      REPO,
      'image-factory/enroll-web-api',
      'images.yaml',
    );
    expect(edited!.startsWith(EXAMPLE_IMAGES_YAML.trimEnd())).toBe(true);
    expect(edited).toContain('  - name: web-api\n    type: managed\n');
    const pr = await octokit(b).rest.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: 1,
    });
    expect(pr.data.title).toBe(
      'Enroll image web-api (managed, owner team-web)',
    );
    expect(pr.data.body).toContain('Requested by `user:default/jane`');
    expect(pr.data.body).toContain('> New public API');
    expect(pr.data.body).toContain('| Platforms | linux/amd64, linux/s390x |');
    expect(pr.data.labels.map(l => l.name)).toEqual(['image-factory']);
    expect(pr.data.requested_reviewers?.map(r => r.login)).toEqual([
      'octo-reviewer',
    ]);
    expect(pr.data.commits).toBe(1);

    // The same request again: the open pull request, not a second one.
    const again = await enroll(b, jane, { image: WEB_API });
    expect(again.status).toBe(200);
    expect(again.body.reused).toBe(true);
    expect(again.body.enrollment.id).toBe(enrollment.id);

    // A different entry under the same name while that PR is open: refused.
    const different = await enroll(b, jane, {
      image: { ...WEB_API, platforms: ['linux/arm64'] },
    });
    expect(different.status).toBe(409);
    expect(different.body.error.message).toContain(
      'A different pull request to enroll web-api is already open',
    );

    const open = await request(b.server)
      .get('/api/image-factory/enrollments?state=open')
      .set('Authorization', header(pat));
    expect(open.body.items.map((e: any) => e.id)).toEqual([enrollment.id]);

    // The reviewer merges: the webhook marks it merged and the file is read again.
    await b.github.mergePullRequest(OWNER, REPO, 1);
    await b.github.flushWebhooks();
    const [delivery] = b.github.webhookDeliveries();
    expect(delivery.status).toBe(200);
    const merged = await request(b.server)
      .get(`/api/image-factory/enrollments/${enrollment.id}`)
      .set('Authorization', header(pat));
    expect(merged.body.state).toBe('merged');
    const status = await waitFor(
      () =>
        request(b!.server)
          .get('/api/image-factory/status')
          .set('Authorization', header(pat)),
      // The example's six images and the one enrolled.
      r => r.body.imagesFile?.imageCount === 7,
    );
    expect(status.body.imagesFile.imageCount).toBe(7);
    expect(await b.github.listBranches(OWNER, REPO)).toEqual(['main']);

    // Enrolling it once more is a conflict: it is in images.yaml now.
    const twice = await enroll(b, jane, { image: WEB_API });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/web-api.*already exists/);
  });

  it('un-enrolls and changes the type of an image through pull requests', async () => {
    b = await startEnrollmentBackend();
    const unenrolled = await unenroll(b, jane, 'hello-web', {
      reason: 'Replaced by web-api',
    });
    expect(unenrolled.status).toBe(201);
    expect(unenrolled.body.enrollment).toMatchObject({
      action: 'unenroll',
      summary: 'Un-enroll image hello-web',
      pullRequest: { branch: 'image-factory/unenroll-hello-web' },
    });
    const without = await b.github.readFile(
      OWNER,
      REPO,
      'image-factory/unenroll-hello-web',
      'images.yaml',
    );
    expect(without).not.toContain('name: hello-web');
    expect(without).toContain('name: busybox-base');
    expect(without).toContain('# Used as is; the factory only watches');

    // Going external needs the source removed: the answer names the field.
    const external = await request(b.server)
      .post('/api/image-factory/images/busybox-base/changes')
      .set('Authorization', header(pat))
      .send({ changes: { type: 'external' } });
    expect(external.status).toBe(400);
    expect(external.body.error.message).toContain(
      'image.source: is only allowed for managed and base images',
    );

    const change = await request(b.server)
      .post('/api/image-factory/images/busybox-base/changes')
      .set('Authorization', header(pat))
      .send({
        changes: { type: 'external', source: null, rebuild: null },
        reason: 'Now built upstream',
      });
    expect(change.status).toBe(201);
    expect(change.body.enrollment.summary).toBe(
      'Change image busybox-base: type base → external, source',
    );
    expect(change.body.enrollment.entry).not.toHaveProperty('source');
    const changed = await b.github.readFile(
      OWNER,
      REPO,
      'image-factory/change-busybox-base',
      'images.yaml',
    );
    expect(changed).toContain('  - name: busybox-base\n    type: external\n');
    expect(changed).toContain('name: hello-web');
  });

  it('names the images built FROM a base in its un-enroll pull request', async () => {
    b = await startEnrollmentBackend({
      configFiles: {
        'images.yaml': `${EXAMPLE_IMAGES_YAML.trimEnd()}
  - name: web-api
    type: managed
    owner: team-web
    reference: localhost:5000/apps/web-api:1
    platforms: [linux/amd64]
    source:
      repo: ${OWNER}/web-api
`,
      },
    });
    const server = b.server;
    // web-api's Dockerfile is read: FROM busybox-base's reference.
    const graph = await waitFor(
      async () =>
        (
          await request(server)
            .get('/api/image-factory/graph')
            .set('Authorization', header(pat))
        ).body as { edges?: Array<{ from: string; to: string }> },
      body => (body.edges ?? []).length > 0,
    );
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ from: 'localhost:5000/base/busybox:stable' }),
    );
    const unenrollBody = async (who: typeof jane, name: string) => {
      const res = await unenroll(b!, who, name, {});
      expect(res.status).toBe(201);
      const pr = await octokit(b!).rest.pulls.get({
        owner: OWNER,
        repo: REPO,
        pull_number: res.body.enrollment.pullRequest.number,
      });
      return pr.data.body;
    };
    expect(await unenrollBody(pat, 'busybox-base')).toContain(
      '**Built FROM it:** `web-api`. They keep building FROM its last push of `localhost:5000/base/busybox:stable`, which the factory then only watches and no longer rebuilds.',
    );
    // An image nothing is built FROM says nothing of dependents.
    expect(await unenrollBody(jane, 'web-api')).not.toContain('Built FROM it');
  });

  it('refuses bad requests, foreign owners and unknown images before writing anything', async () => {
    b = await startEnrollmentBackend();
    const bad = await enroll(b, jane, {
      image: { ...WEB_API, name: 'Web_API', source: { repo: 'nope' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "Invalid request body: image.name: must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit; image.source.repo: must be 'owner/name'",
    );

    const foreign = await enroll(b, jane, {
      image: { ...WEB_API, owner: 'platform-team' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toBe(
      'You (user:default/jane) may not enroll images for group:default/platform-team: you are not that user or a member of that group',
    );

    const notHers = await unenroll(b, jane, 'busybox-base', {});
    expect(notHers.status).toBe(403);

    const unknown = await unenroll(b, jane, 'nothing-here', {});
    expect(unknown.status).toBe(404);

    const anonymous = await request(b.server)
      .post('/api/image-factory/enrollments')
      .send({ image: WEB_API });
    expect(anonymous.status).toBe(401);
    await expectNothingWritten(b);
  });

  it('refuses an image that would be built FROM itself, naming the cycle', async () => {
    b = await startEnrollmentBackend({
      sourceRepos: [
        {
          owner: OWNER,
          name: 'loop',
          files: {
            Dockerfile:
              'ARG BASE=localhost:5000/apps/loop:1\nFROM ${BASE}\nRUN true\n',
          },
        },
      ],
    });
    const res = await enroll(b, jane, {
      image: {
        ...WEB_API,
        name: 'loop',
        reference: 'localhost:5000/apps/loop:1',
        source: { repo: `${OWNER}/loop`, dockerfile: 'Dockerfile' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "image: loop would make a dependency cycle, which no build order can satisfy: image:default/loop would be built FROM the image it publishes. Change its Dockerfile's FROM or its reference.",
    );
    await expectNothingWritten(b);

    // The same Dockerfile building FROM another reference is fine.
    const fine = await enroll(b, jane, {
      image: {
        ...WEB_API,
        name: 'loop',
        reference: 'localhost:5000/apps/loop:1',
        source: { repo: `${OWNER}/loop`, dockerfile: 'Dockerfile' },
        buildArgs: { BASE: 'localhost:5000/base/busybox:stable' },
      },
    });
    expect(fine.status).toBe(201);
  });

  it('lets anyone enroll for any owner when allowAnyOwner is set', async () => {
    b = await startEnrollmentBackend({ enrollment: { allowAnyOwner: true } });
    const res = await enroll(b, jane, {
      image: { ...WEB_API, owner: 'platform-team' },
    });
    expect(res.status).toBe(201);
  });

  it('names the credentials problem when GitHub rejects the token', async () => {
    b = await startEnrollmentBackend({ token: 'wrong-token' });
    const res = await enroll(b, jane, { image: WEB_API });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      "GitHub rejected the Image Factory's credentials",
    );
    expect(res.body.error.message).toContain('Bad credentials');
    expect(JSON.stringify(res.body)).not.toContain('wrong-token');
    await expectNothingWritten(b);
  });

  it('explains a 404 for a repository that is missing or hidden', async () => {
    b = await startEnrollmentBackend({ repo: 'no-such-repo' });
    const res = await enroll(b, jane, { image: WEB_API });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      'GitHub answers 404 Not Found for acme/no-such-repo',
    );
    expect(res.body.error.message).toContain('"contents: write"');
  });

  it('names the missing permission of a read-only token in the preflight', async () => {
    b = await startEnrollmentBackend({ github: { permission: 'read' } });
    const res = await enroll(b, jane, { image: WEB_API });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      'can read acme/factory-config but not push to it',
    );
    await expectNothingWritten(b);
  });

  it('explains branch protection that refuses the commit, and opens no pull request', async () => {
    b = await startEnrollmentBackend();
    b.github.protectBranch(OWNER, REPO, 'image-factory/enroll-web-api');
    const res = await enroll(b, jane, { image: WEB_API });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      'Branch protection in acme/factory-config refused to commit images.yaml',
    );
    const pulls = await octokit(b).rest.pulls.list({
      owner: OWNER,
      repo: REPO,
      state: 'all',
    });
    expect(pulls.data).toEqual([]);
  });

  it('retries GitHub server errors a bounded number of times', async () => {
    b = await startEnrollmentBackend();
    b.github.injectFault({
      status: 502,
      times: 2,
      method: 'POST',
      path: /\/pulls$/,
    });
    const ok = await enroll(b, jane, { image: WEB_API });
    expect(ok.status).toBe(201);

    b.github.injectFault({
      status: 503,
      times: 10,
      method: 'GET',
      path: /\/repos\/acme\/factory-config$/,
    });
    const failed = await unenroll(b, jane, 'hello-web', {});
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toBe(
      'GitHub failed to read the repository in acme/factory-config: 503 Service Unavailable, after 4 attempt(s)',
    );
  });

  it('leaves no branch behind when opening the pull request fails', async () => {
    b = await startEnrollmentBackend({ enrollment: { maxRetries: 0 } });
    b.github.injectFault({ status: 500, method: 'POST', path: /\/pulls$/ });
    const res = await enroll(b, jane, { image: WEB_API });
    expect(res.status).toBe(502);
    await expectNothingWritten(b);
  });

  it('waits out a short rate limit and answers 429 with Retry-After to a long one', async () => {
    b = await startEnrollmentBackend();
    b.github.injectFault({
      status: 429,
      retryAfter: 1,
      method: 'POST',
      path: /\/pulls$/,
    });
    const waited = await enroll(b, jane, { image: WEB_API });
    expect(waited.status).toBe(201);

    b.github.injectFault({
      status: 403,
      retryAfter: 120,
      method: 'POST',
      path: /\/pulls$/,
    });
    const limited = await unenroll(b, jane, 'hello-web', {});
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('120');
    expect(limited.body.error.message).toContain('try again in 120 s');
    expect(await b.github.listBranches(OWNER, REPO)).toEqual([
      'image-factory/enroll-web-api',
      'main',
    ]);
  });

  it('accepts only webhooks signed with the configured secret', async () => {
    b = await startEnrollmentBackend();
    const body = JSON.stringify({
      action: 'closed',
      pull_request: { number: 1, merged: true },
      repository: { full_name: 'acme/factory-config' },
    });
    const forged = await request(b.server)
      .post('/api/image-factory/webhooks/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'pull_request')
      .set('x-hub-signature-256', `sha256=${'0'.repeat(64)}`)
      .send(body);
    expect(forged.status).toBe(401);
    const unsigned = await request(b.server)
      .post('/api/image-factory/webhooks/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'pull_request')
      .send(body);
    expect(unsigned.status).toBe(401);
  });

  it('notices a merge by polling when no webhook arrives', async () => {
    b = await startEnrollmentBackend({
      // The real scheduler, so that the poll runs every second.
      features: [schedulerServiceFactory],
      enrollment: {
        pollSchedule: { frequency: { seconds: 1 }, timeout: { seconds: 30 } },
      },
    });
    b.github.setWebhook(undefined);
    const res = await enroll(b, jane, { image: WEB_API });
    const { id, pullRequest } = res.body.enrollment;
    await b.github.mergePullRequest(OWNER, REPO, pullRequest.number);
    const merged = await waitFor(
      () =>
        request(b!.server)
          .get(`/api/image-factory/enrollments/${id}`)
          .set('Authorization', header(jane)),
      r => r.body.state === 'merged',
    );
    expect(merged.body.state).toBe('merged');
    expect(b.github.webhookDeliveries()).toEqual([]);
  });
});
