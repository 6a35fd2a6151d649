import { ConsumedResponse, ResponseError } from '@backstage/errors';
import type { Enrollment } from '@image-factory/plugin-image-factory-common';

const CONFIG_REPO = 'acme/factory-config';

/** A change request as the backend returns it, with a pull request #number. */
export function enrollmentFixture(
  fields: Partial<Enrollment> & Pick<Enrollment, 'action' | 'imageName'>,
  number = 7,
): Enrollment {
  const branch = `image-factory/${fields.action}-${fields.imageName}`;
  return {
    id: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
    state: 'open',
    requestedBy: 'user:default/jane',
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    summary: `${fields.action} ${fields.imageName}`,
    pullRequest: {
      repo: CONFIG_REPO,
      number,
      url: `https://github.com/${CONFIG_REPO}/pull/${number}`,
      branch,
    },
    ...fields,
  };
}

/** Three change requests, newest first: one open, one merged, one closed. */
export const someEnrollments: Enrollment[] = [
  enrollmentFixture(
    {
      action: 'enroll',
      imageName: 'hello-api',
      createdAt: '2026-11-22T09:00:00.000Z',
      entry: { name: 'hello-api', type: 'managed' },
    },
    12,
  ),
  enrollmentFixture(
    {
      action: 'change',
      imageName: 'busybox-base',
      state: 'merged',
      requestedBy: 'user:default/sam',
      createdAt: '2026-11-21T09:00:00.000Z',
    },
    11,
  ),
  enrollmentFixture(
    {
      action: 'unenroll',
      imageName: 'old-tool',
      state: 'closed',
      createdAt: '2026-11-20T09:00:00.000Z',
    },
    10,
  ),
];

/** The error the client throws for a backend error response. */
export function responseError(
  statusCode: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: { name, message },
    request: { method: 'POST', url: '/api/image-factory/enrollments' },
    response: { statusCode },
  });
  const headers = {
    get: (header: string) =>
      header.toLowerCase() === 'content-type' ? 'application/json' : null,
  } as unknown as ConsumedResponse['headers'];
  return ResponseError.fromResponse({
    status: statusCode,
    statusText: name,
    ok: false,
    redirected: false,
    type: 'basic',
    url: 'http://localhost:7007/api/image-factory/enrollments',
    headers,
    text: async () => body,
  });
}
