import { mockCredentials } from '@backstage/backend-test-utils';
import { Octokit } from '@octokit/rest';
import request from 'supertest';
import {
  EnrollmentBackend,
  EXAMPLE_IMAGES_YAML,
  jane,
  OWNER,
  REPO,
} from './startEnrollmentBackend';

export const WEB_API = {
  name: 'web-api',
  type: 'managed',
  owner: 'team-web',
  title: 'Web API',
  reference: 'localhost:5000/apps/web-api',
  platforms: ['linux/amd64', 'linux/s390x'],
  source: {
    repo: 'acme/web-api',
    dockerfile: 'Dockerfile',
  },
  rebuild: { delay: '1h' },
};

export const header = (credentials: typeof jane) =>
  mockCredentials.user.header(
    (credentials.principal as { userEntityRef: string }).userEntityRef,
  );

/** `POST /enrollments` as a user. */
export function enroll(b: EnrollmentBackend, who: typeof jane, body: object) {
  return request(b.server)
    .post('/api/image-factory/enrollments')
    .set('Authorization', header(who))
    .send(body);
}

/** `POST /images/:name/unenroll` as a user. */
export function unenroll(
  b: EnrollmentBackend,
  who: typeof jane,
  name: string,
  body: object,
) {
  return request(b.server)
    .post(`/api/image-factory/images/${name}/unenroll`)
    .set('Authorization', header(who))
    .send(body);
}

export function octokit(b: EnrollmentBackend): Octokit {
  const quiet = () => {};
  return new Octokit({
    baseUrl: b.github.baseUrl,
    auth: b.github.token,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 100));
  }
}

/** What must hold after any refused request: GitHub untouched. */
export async function expectNothingWritten(b: EnrollmentBackend) {
  expect(await b.github.listBranches(OWNER, REPO)).toEqual(['main']);
  expect(await b.github.readFile(OWNER, REPO, 'main', 'images.yaml')).toBe(
    EXAMPLE_IMAGES_YAML,
  );
  const pulls = await octokit(b).rest.pulls.list({
    owner: OWNER,
    repo: REPO,
    state: 'all',
  });
  expect(pulls.data).toEqual([]);
}
