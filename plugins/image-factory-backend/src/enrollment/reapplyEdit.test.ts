import { readFileSync } from 'fs';
import path from 'path';
import { Enrollment } from '@image-factory/plugin-image-factory-common';
import { changeImageEntry, findImageEntry } from './imagesYamlEdits';
import { reapplyEdit } from './reapplyEdit';

const EXAMPLE = readFileSync(
  path.resolve(__dirname, '__fixtures__/commented-images.yaml'),
  'utf8',
);
const WHERE = 'images.yaml on main';

function request(
  action: Enrollment['action'],
  imageName: string,
  entry?: Record<string, unknown>,
): Enrollment {
  return {
    id: 'id',
    action,
    imageName,
    state: 'open',
    requestedBy: 'user:default/jane',
    createdAt: '2026-12-04T00:00:00.000Z',
    updatedAt: '2026-12-04T00:00:00.000Z',
    summary: 'summary',
    ...(entry ? { entry } : {}),
    pullRequest: { repo: 'acme/cfg', number: 1, url: 'u', branch: 'b' },
  };
}

const NEW = {
  name: 'web-api',
  type: 'managed',
  owner: 'team-web',
  reference: 'localhost:5000/apps/web-api',
  source: { repo: 'acme/web-api' },
};

describe('reapplyEdit', () => {
  it('applies each kind of request again to a file that moved around it', () => {
    // Someone else changed another entry meanwhile.
    const moved = changeImageEntry(EXAMPLE, 'python-runtime', {
      title: 'Python 3.12',
    });
    const added = reapplyEdit(
      request('enroll', 'web-api', NEW),
      {},
      moved,
      WHERE,
    );
    expect(added.ok && findImageEntry(added.text, 'web-api')).toMatchObject(
      NEW,
    );
    expect(added.ok && added.text).toContain('title: Python 3.12');

    const removed = reapplyEdit(
      request('unenroll', 'hello-web'),
      {},
      moved,
      WHERE,
    );
    expect(removed.ok && findImageEntry(removed.text, 'hello-web')).toBe(
      undefined,
    );

    const previous = findImageEntry(EXAMPLE, 'hello-web')!;
    const changed = reapplyEdit(
      request('change', 'hello-web'),
      { edit: { changes: { title: 'Hello, web' }, previous } },
      moved,
      WHERE,
    );
    expect(changed.ok && findImageEntry(changed.text, 'hello-web')?.title).toBe(
      'Hello, web',
    );
    // Comments stay.
    expect(changed.ok && changed.text).toContain(
      '# Application images the factory builds',
    );
  });

  it('reports the same entry changed twice, naming what to do', () => {
    const previous = findImageEntry(EXAMPLE, 'hello-web')!;
    const theirs = changeImageEntry(EXAMPLE, 'hello-web', {
      description: 'Changed by someone else',
    });
    expect(
      reapplyEdit(
        request('change', 'hello-web'),
        { edit: { changes: { title: 'Hello, web' }, previous } },
        theirs,
        WHERE,
      ),
    ).toEqual({
      ok: false,
      conflict:
        "hello-web was changed in images.yaml on main by another change since this request. Close this pull request and ask for the change again from the image's page: it starts from the entry as it is now",
    });

    const withIt = reapplyEdit(
      request('enroll', 'web-api', NEW),
      {},
      EXAMPLE,
      WHERE,
    );
    const twice = reapplyEdit(
      request('enroll', 'web-api', NEW),
      {},
      withIt.ok ? withIt.text : '',
      WHERE,
    );
    expect(twice).toEqual({
      ok: false,
      conflict:
        'images.yaml on main has this very entry for web-api now (added by another change), so there is nothing left to merge: close this pull request',
    });

    expect(
      reapplyEdit(request('unenroll', 'gone'), {}, EXAMPLE, WHERE),
    ).toEqual({
      ok: false,
      conflict:
        'gone is no longer in images.yaml on main: another change removed it. Close this pull request',
    });
  });
});
