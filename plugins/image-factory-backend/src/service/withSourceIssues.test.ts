import { ImagesFileStatus } from '@image-factory/plugin-image-factory-common';
import { withSourceIssues } from './withSourceIssues';

const STATUS: ImagesFileStatus = {
  location: 'images.yaml',
  lastReadAt: '2026-12-04T00:00:00.000Z',
  ok: true,
  imageCount: 2,
  issues: [],
};

describe('withSourceIssues', () => {
  it('keeps a status without source problems as it is', () => {
    expect(withSourceIssues(STATUS, [], [])).toBe(STATUS);
  });

  it('bounds the number and length of source issues', () => {
    const problems = Array.from({ length: 103 }, (_, i) => ({
      entityRef: `image:default/i${i}`,
      imageName: `i${i}`,
      message: 'x'.repeat(2000),
    }));
    const status = withSourceIssues(STATUS, [], problems);
    expect(status.ok).toBe(false);
    expect(status.issues).toHaveLength(101);
    expect(status.issues[0]).toEqual({
      path: 'i0.source',
      entry: 'i0',
      message: `${'x'.repeat(500)}…`,
    });
    expect(status.issues[100].message).toBe(
      'and 3 more images whose source cannot be read, not shown here: GET /graph lists every one',
    );
  });
});
