import { GitHubTestRepoSeed } from '@image-factory/github-test-server';
import request from 'supertest';
import { ensureDockerd } from '../__testUtils__/ensureDockerd';
import {
  EnrollmentBackend,
  jane,
  OWNER,
  startEnrollmentBackend,
  stopAndCheckGitHub,
} from './__testUtils__/startEnrollmentBackend';
import {
  enroll,
  expectNothingWritten,
  header,
  WEB_API,
} from './__testUtils__/enrollmentRequests';

jest.setTimeout(60_000);

/** Source repositories beside acme/web-api: one with a Dockerfile whose base does not resolve. */
const SOURCES: GitHubTestRepoSeed[] = [
  {
    owner: OWNER,
    name: 'unresolved',
    files: { Dockerfile: 'ARG BASE\nFROM ${BASE}\nRUN true\n' },
  },
  {
    owner: OWNER,
    name: 'heredoc',
    files: {
      Dockerfile:
        'FROM localhost:5000/base/busybox:stable\nRUN --mount=type=cache,target=/c true\nCOPY <<EOF /greeting\nhello\nEOF\n',
    },
  },
  {
    owner: OWNER,
    name: 'nested',
    files: { 'docker/Dockerfile': 'FROM localhost:5000/base/busybox:stable\n' },
  },
];

describe('an enrollment that could not be built is refused before any pull request', () => {
  let b: EnrollmentBackend | undefined;
  afterEach(async () => {
    const stopped = b;
    b = undefined;
    await stopAndCheckGitHub(stopped);
  });

  const refusal = async (image: object, extra: object = {}) => {
    const res = await enroll(b!, jane, { image, ...extra });
    expect(res.status).toBe(400);
    return res.body.error.message as string;
  };

  it('names the repository, branch, Dockerfile, context and bases that do not work', async () => {
    b = await startEnrollmentBackend({ sourceRepos: SOURCES });

    expect(
      await refusal({
        ...WEB_API,
        source: { repo: 'image-factory/nope', dockerfile: 'Dockerfile' },
      }),
    ).toBe(
      'The image cannot be built as proposed: image.source.repo: repository image-factory/nope does not exist or is not readable by the factory',
    );
    expect(
      await refusal({
        ...WEB_API,
        source: { repo: 'acme/web-api', branch: 'release' },
      }),
    ).toBe(
      'The image cannot be built as proposed: image.source.branch: branch release does not exist in acme/web-api',
    );
    expect(
      await refusal({
        ...WEB_API,
        source: { repo: 'acme/web-api', dockerfile: 'docker/Dockerfile' },
      }),
    ).toBe(
      'The image cannot be built as proposed: image.source.dockerfile: docker/Dockerfile does not exist in acme/web-api on branch main',
    );
    expect(
      await refusal({
        ...WEB_API,
        source: {
          repo: 'acme/nested',
          dockerfile: 'docker/Dockerfile',
          context: 'app',
        },
      }),
    ).toBe(
      'The image cannot be built as proposed: image.source.context: app is not a directory in acme/nested on branch main',
    );
    const unresolved = await refusal({
      ...WEB_API,
      source: { repo: 'acme/unresolved' },
    });
    expect(unresolved).toMatch(
      /^The image cannot be built as proposed: image\.source\.dockerfile: Dockerfile:2: /,
    );
    await expectNothingWritten(b);

    // The same Dockerfile with its ARG given builds.
    const fine = await enroll(b, jane, {
      image: {
        ...WEB_API,
        source: { repo: 'acme/unresolved' },
        buildArgs: { BASE: 'localhost:5000/base/busybox:stable' },
      },
    });
    expect(fine.status).toBe(201);
  });

  it("refuses a Dockerfile that no executor's builder reads, naming the line and the feature", async () => {
    const dockerd = await ensureDockerd();
    try {
      b = await startEnrollmentBackend({
        sourceRepos: SOURCES,
        executorHost: `unix://${dockerd.socketPath}`,
      });
      // Docker 20.10's BuildKit reads RUN --mount, not heredocs.
      expect(
        await refusal({ ...WEB_API, source: { repo: 'acme/heredoc' } }),
      ).toMatch(
        /^The image cannot be built as proposed: image\.source\.dockerfile: line 3 uses heredoc \(RUN <<EOF\), which needs Dockerfile frontend 1\.4, executor local \(Docker 20\.10\.\S+ BuildKit \(Dockerfile frontend 1\.2\)\) does not have it$/,
      );
      await expectNothingWritten(b);
      // Its base image is fine: with a builder that reads it, it would enroll.
      const fine = await enroll(b, jane, {
        image: { ...WEB_API, source: { repo: 'acme/web-api' } },
      });
      expect(fine.status).toBe(201);
    } finally {
      await dockerd.stop();
    }
  });

  it('asks to confirm platforms no executor builds, naming each', async () => {
    b = await startEnrollmentBackend();
    const image = {
      ...WEB_API,
      platforms: ['linux/amd64', 'linux/riscv64', 'linux/ppc64le'],
    };
    expect(await refusal(image)).toBe(
      'The image cannot be built as proposed: ' +
        'image.platforms[1]: no executor builds linux/riscv64 yet (the executors build linux/amd64, linux/arm64, linux/s390x), so its builds would wait: confirm with acceptUnbuiltPlatforms: true to list it anyway; ' +
        'image.platforms[2]: no executor builds linux/ppc64le yet (the executors build linux/amd64, linux/arm64, linux/s390x), so its builds would wait: confirm with acceptUnbuiltPlatforms: true to list it anyway',
    );
    // Every problem at once: a missing Dockerfile and a platform.
    const both = await refusal({
      ...image,
      source: { repo: 'acme/web-api', dockerfile: 'gone/Dockerfile' },
    });
    expect(both).toContain('image.source.dockerfile: gone/Dockerfile');
    expect(both).toContain('image.platforms[2]: no executor builds');
    await expectNothingWritten(b);

    const confirmed = await enroll(b, jane, {
      image,
      acceptUnbuiltPlatforms: true,
    });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.enrollment.entry.platforms).toEqual(image.platforms);
    // The flag is the request's, not the entry's.
    expect(confirmed.body.enrollment.entry).not.toHaveProperty(
      'acceptUnbuiltPlatforms',
    );
  });

  it('checks a change that moves the source or adds a platform, and only then', async () => {
    b = await startEnrollmentBackend();
    const change = (changes: object, extra: object = {}) =>
      request(b!.server)
        .post('/api/image-factory/images/hello-web/changes')
        .set('Authorization', header(jane))
        .send({ changes, ...extra });

    const moved = await change({
      source: { repo: 'acme/web-api', dockerfile: 'missing/Dockerfile' },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toBe(
      'The image cannot be built as proposed: image.source.dockerfile: missing/Dockerfile does not exist in acme/web-api on branch main',
    );
    const platform = await change({ platforms: ['linux/ppc64le'] });
    expect(platform.status).toBe(400);
    expect(platform.body.error.message).toContain(
      'image.platforms[0]: no executor builds linux/ppc64le yet',
    );
    await expectNothingWritten(b);

    // A change of the title leaves the source alone: not read again.
    const title = await change({ title: 'Hello, web' });
    expect(title.status).toBe(201);
  });

  it('retries a GitHub hiccup while reading the source, and answers a long rate limit with 429', async () => {
    b = await startEnrollmentBackend();
    b.github.injectFault({
      status: 502,
      times: 1,
      method: 'GET',
      path: /\/repos\/acme\/web-api$/,
    });
    const retried = await enroll(b, jane, { image: WEB_API });
    expect(retried.status).toBe(201);

    // A long rate limit is the factory's to wait out, not the user's to fix: 429.
    b.github.injectFault({
      status: 403,
      retryAfter: 120,
      method: 'GET',
      path: /\/repos\/acme\/web-api$/,
    });
    const limited = await enroll(b, jane, {
      image: {
        ...WEB_API,
        name: 'web-api-2',
        reference: 'localhost:5000/apps/web-api-2',
      },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('120');
    expect(await b.github.listBranches(OWNER, 'factory-config')).not.toContain(
      'image-factory/enroll-web-api-2',
    );
  });
});
