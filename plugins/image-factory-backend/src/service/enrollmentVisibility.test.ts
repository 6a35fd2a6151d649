import request from 'supertest';
import { policyPermissions } from '../__testUtils__/policyPermissions';
import {
  enroll,
  header,
  unenroll,
  WEB_API,
} from '../enrollment/__testUtils__/enrollmentRequests';
import {
  EnrollmentBackend,
  jane,
  pat,
  startEnrollmentBackend,
  stopAndCheckGitHub,
} from '../enrollment/__testUtils__/startEnrollmentBackend';

jest.setTimeout(60_000);

describe('change requests of an image the caller may not read', () => {
  let b: EnrollmentBackend | undefined;
  afterEach(async () => {
    await stopAndCheckGitHub(b);
    b = undefined;
  });

  it('are left out of the list and answer 404, while enrollments of new images stay visible', async () => {
    // pat may not read hello-web in the catalog; jane may read everything.
    b = await startEnrollmentBackend({
      features: [
        policyPermissions(
          q =>
            !(
              q.user === 'user:default/pat' &&
              q.permission === 'catalog.entity.read' &&
              q.resourceRef === 'image:default/hello-web'
            ),
        ),
      ],
    });
    const removal = await unenroll(b, jane, 'hello-web', {});
    expect(removal.status).toBe(201);
    const addition = await enroll(b, jane, { image: WEB_API });
    expect(addition.status).toBe(201);

    const list = (who: typeof jane) =>
      request(b!.server)
        .get('/api/image-factory/enrollments')
        .set('Authorization', header(who));
    const names = (res: request.Response) =>
      res.body.items.map((e: { action: string; imageName: string }) => [
        e.action,
        e.imageName,
      ]);
    expect(names(await list(jane))).toEqual(
      expect.arrayContaining([
        ['unenroll', 'hello-web'],
        ['enroll', 'web-api'],
      ]),
    );
    expect(names(await list(pat))).toEqual([['enroll', 'web-api']]);

    const id = removal.body.enrollment.id;
    const one = (who: typeof jane) =>
      request(b!.server)
        .get(`/api/image-factory/enrollments/${id}`)
        .set('Authorization', header(who));
    expect((await one(jane)).status).toBe(200);
    const hidden = await one(pat);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(`No change request with id ${id}`);
  });
});
