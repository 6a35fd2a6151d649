import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseWheelsFile } from '@image-factory/plugin-image-factory-common';
import request from 'supertest';
import {
  EnrollmentBackend,
  jane,
  OWNER,
  pat,
  REPO,
  startEnrollmentBackend,
  stopAndCheckGitHub,
} from './__testUtils__/startEnrollmentBackend';
import { header, octokit, waitFor } from './__testUtils__/enrollmentRequests';

jest.setTimeout(60_000);

/** The example users start from: comments, two sets. */
const EXAMPLE_WHEELS_YAML = readFileSync(
  resolve(__dirname, '../../../../examples/wheels.yaml'),
  'utf8',
);

const NUMERIC = {
  name: 'numeric',
  owner: 'team-web',
  requirements: ['msgpack==1.0.3'],
  targets: [{ python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] }],
  builder: 'wheel-builder',
  upstream: 'http://127.0.0.1:7011/simple/',
};

/** The refinery of the config repository's wheels.yaml, with two builders. */
const refinery = (webUrl: string) => ({
  wheels: { location: `${webUrl}/${OWNER}/${REPO}/blob/main/wheels.yaml` },
  builders: [
    { platform: 'linux/amd64', image: 'wheel-builder:amd64' },
    { platform: 'linux/s390x', image: 'wheel-builder:s390x' },
  ],
  workers: { enabled: false },
});

function post(
  b: EnrollmentBackend,
  who: typeof jane,
  path: string,
  body: object,
) {
  return request(b.server)
    .post(`/api/image-factory/refinery${path}`)
    .set('Authorization', header(who))
    .send(body);
}

function readWheels(b: EnrollmentBackend, ref: string) {
  return b.github.readFile(OWNER, REPO, ref, 'wheels.yaml');
}

async function setNames(b: EnrollmentBackend) {
  const res = await request(b.server)
    .get('/api/image-factory/refinery/sets')
    .set('Authorization', header(pat));
  return (res.body.sets ?? []).map((s: { name: string }) => s.name);
}

describe('wheel sets enrolled through GitHub pull requests', () => {
  let b: EnrollmentBackend | undefined;
  afterEach(async () => {
    const stopped = b;
    b = undefined;
    await stopAndCheckGitHub(stopped);
  });

  it('opens a pull request against wheels.yaml that keeps its comments, and the set exists once it is merged', async () => {
    b = await startEnrollmentBackend({
      refinery,
      configFiles: { 'wheels.yaml': EXAMPLE_WHEELS_YAML },
    });
    const res = await post(b, jane, '/sets', {
      set: NUMERIC,
      reason: 'msgpack compiles on every s390x install',
    });
    expect(res.status).toBe(201);
    expect(res.body.enrollment).toMatchObject({
      action: 'enroll',
      subject: 'wheel-set',
      imageName: 'numeric',
      state: 'open',
      summary: 'Enroll wheel set numeric (owner team-web)',
      pullRequest: { branch: 'image-factory/wheel-set-enroll-numeric' },
    });

    const edited = await readWheels(
      b,
      'image-factory/wheel-set-enroll-numeric',
    );
    expect(edited!.startsWith(EXAMPLE_WHEELS_YAML.trimEnd())).toBe(true);
    expect(edited).toContain('  - name: numeric\n    owner: team-web\n');
    expect(parseWheelsFile(edited!).issues).toEqual([]);
    const pr = await octokit(b).rest.pulls.get({
      owner: OWNER,
      repo: REPO,
      pull_number: res.body.enrollment.pullRequest.number,
    });
    expect(pr.data.body).toContain('adds the wheel set `numeric`');
    expect(pr.data.body).toContain(
      '| Targets | python: cp311, platforms: linux/amd64, linux/s390x |',
    );
    expect(pr.data.body).toContain(
      'The entry in wheels.yaml after this change',
    );
    expect(pr.data.body).toContain('> msgpack compiles on every s390x install');
    expect(await setNames(b)).toEqual(['web-templating', 'ffi']);
    // What the enroll form offers: the platforms with a builder.
    const listed0 = await request(b.server)
      .get('/api/image-factory/refinery/sets')
      .set('Authorization', header(pat));
    expect(listed0.body.builderPlatforms).toEqual([
      'linux/amd64',
      'linux/s390x',
    ]);

    // Asked again: the same pull request.
    const again = await post(b, jane, '/sets', { set: NUMERIC });
    expect(again.status).toBe(200);
    expect(again.body.reused).toBe(true);

    // Listed with the image requests, readable by anyone signed in.
    const listed = await request(b.server)
      .get('/api/image-factory/enrollments?state=open')
      .set('Authorization', header(pat));
    expect(listed.body.items.map((e: any) => e.imageName)).toEqual(['numeric']);

    await b.github.mergePullRequest(OWNER, REPO, pr.data.number);
    await b.github.flushWebhooks();
    const names = await waitFor(
      () => setNames(b!),
      n => n.includes('numeric'),
    );
    expect(names).toEqual(['web-templating', 'ffi', 'numeric']);
  });

  it('changes and un-enrolls sets, and re-applies an open change when wheels.yaml moves', async () => {
    b = await startEnrollmentBackend({
      refinery,
      configFiles: { 'wheels.yaml': EXAMPLE_WHEELS_YAML },
    });
    // pat owns ffi (platform-team), jane web-templating (team-web).
    const change = await post(b, pat, '/sets/ffi/changes', {
      changes: {
        targets: [
          { python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] },
        ],
      },
    });
    expect(change.status).toBe(201);
    expect(change.body.enrollment.summary).toBe(
      'Change wheel set ffi: targets',
    );
    const removal = await post(b, jane, '/sets/web-templating/unenroll', {
      reason: 'Jinja moved to pure Python',
    });
    expect(removal.status).toBe(201);
    expect(removal.body.enrollment.summary).toBe(
      'Un-enroll wheel set web-templating',
    );

    // The removal is merged first: main moves under the change.
    await b.github.mergePullRequest(
      OWNER,
      REPO,
      removal.body.enrollment.pullRequest.number,
    );
    await b.github.flushWebhooks();
    const synced = await waitFor(
      () =>
        request(b!.server)
          .get(`/api/image-factory/enrollments/${change.body.enrollment.id}`)
          .set('Authorization', header(pat)),
      r => r.body.sync?.state === 'reapplied',
    );
    expect(synced.body.sync.state).toBe('reapplied');
    const branch = await readWheels(b, 'image-factory/wheel-set-change-ffi');
    expect(branch).not.toContain('name: web-templating');
    expect(branch).toContain(
      '      - python: cp311\n        platforms: [linux/amd64, linux/s390x]\n',
    );
    // Comments of the sets that stay are kept.
    expect(branch).toContain("# cffi's first build fails on");
    await b.github.mergePullRequest(
      OWNER,
      REPO,
      change.body.enrollment.pullRequest.number,
    );
    await b.github.flushWebhooks();
    const after = parseWheelsFile((await readWheels(b, 'main'))!);
    expect(after.issues).toEqual([]);
    expect(after.sets.map(s => [s.name, s.targets[0].platforms])).toEqual([
      ['ffi', ['linux/amd64', 'linux/s390x']],
    ]);
  });

  it('refuses bad sets naming the field, a set of another owner, and writes nothing', async () => {
    b = await startEnrollmentBackend({
      refinery,
      configFiles: { 'wheels.yaml': EXAMPLE_WHEELS_YAML },
    });
    const noBuilder = await post(b, jane, '/sets', {
      set: {
        ...NUMERIC,
        targets: [
          { python: 'cp311', platforms: ['linux/amd64', 'linux/ppc64le'] },
        ],
      },
    });
    expect(noBuilder.status).toBe(400);
    // wheel-builder is an image of images.yaml: its platforms decide.
    expect(noBuilder.body.error.message).toContain(
      'set.targets[0].platforms[1]: the builder image wheel-builder is not built for linux/ppc64le (its platforms in images.yaml: linux/amd64, linux/s390x)',
    );
    // A builder images.yaml does not have: the configured builders decide.
    const noConfiguredBuilder = await post(b, jane, '/sets', {
      set: {
        ...NUMERIC,
        builder: 'python-toolchain',
        targets: [
          { python: 'cp311', platforms: ['linux/s390x', 'linux/arm64'] },
        ],
      },
    });
    expect(noConfiguredBuilder.status).toBe(400);
    expect(noConfiguredBuilder.body.error.message).toBe(
      "Invalid request body: set.targets[0].platforms[1]: the refinery has no builder for linux/arm64 (images.yaml has no image named 'python-toolchain', and imageFactory.refinery.builders has linux/amd64, linux/s390x)",
    );

    const badRequirement = await post(b, jane, '/sets', {
      set: { ...NUMERIC, requirements: ['msgpack=1.0'] },
    });
    expect(badRequirement.status).toBe(400);
    expect(badRequirement.body.error.message).toMatch(/set\.requirements\[0\]/);

    const unknownField = await post(b, jane, '/sets', {
      set: { ...NUMERIC, python: 'cp311' },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain(
      'set.python: is not a known field',
    );

    const notOwner = await post(b, jane, '/sets', {
      set: { ...NUMERIC, owner: 'platform-team' },
    });
    expect(notOwner.status).toBe(403);

    // jane may not change pat's set, nor take it over.
    const foreign = await post(b, jane, '/sets/ffi/changes', {
      changes: { owner: 'team-web' },
    });
    expect(foreign.status).toBe(403);

    const missing = await post(b, jane, '/sets/nope/unenroll', {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      `No wheel set named nope in wheels.yaml`,
    );

    const exists = await post(b, jane, '/sets', {
      set: { ...NUMERIC, name: 'web-templating' },
    });
    expect(exists.status).toBe(409);
    expect(exists.body.error.message).toContain(
      "a wheel set named 'web-templating' already exists",
    );

    const nothing = await post(b, pat, '/sets/ffi/changes', {
      changes: { builder: 'wheel-builder' },
    });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.message).toContain('nothing to change');

    expect(await b.github.listBranches(OWNER, REPO)).toEqual(['main']);
    expect(await readWheels(b, 'main')).toBe(EXAMPLE_WHEELS_YAML);
  });

  it('creates wheels.yaml with the first set, and says where to point the refinery when it is elsewhere', async () => {
    b = await startEnrollmentBackend({ refinery });
    const res = await post(b, jane, '/sets', { set: NUMERIC });
    expect(res.status).toBe(201);
    const created = await readWheels(
      b,
      'image-factory/wheel-set-enroll-numeric',
    );
    const parsed = parseWheelsFile(created!);
    expect(parsed.issues).toEqual([]);
    expect(parsed.sets.map(s => s.name)).toEqual(['numeric']);
    await stopAndCheckGitHub(b);

    b = await startEnrollmentBackend({
      refinery: webUrl => ({
        ...refinery(webUrl),
        wheels: { location: '../../examples/wheels.yaml' },
      }),
    });
    const elsewhere = await post(b, jane, '/sets', { set: NUMERIC });
    expect(elsewhere.status).toBe(503);
    expect(elsewhere.body.error.message).toBe(
      `Wheel sets are not enrolled by pull request here: set imageFactory.refinery.wheels.location to the URL of wheels.yaml in ${OWNER}/${REPO} on main (the repository of images.yaml)`,
    );
    expect(await b.github.listBranches(OWNER, REPO)).toEqual(['main']);
  });
});
