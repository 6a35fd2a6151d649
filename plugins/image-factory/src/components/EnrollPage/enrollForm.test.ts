import {
  initialValues,
  issuesToFields,
  parseBackendIssues,
  toEnrollRequest,
  validateEnrollForm,
} from './enrollForm';

describe('enrollForm', () => {
  const valid = {
    ...initialValues('group:default/team-web'),
    name: 'hello-api',
    reference: 'localhost:5000/apps/hello-api',
    repo: 'acme/hello-api',
  };

  it('sends only what differs from the images.yaml defaults', () => {
    expect(toEnrollRequest(valid)).toEqual({
      image: {
        name: 'hello-api',
        type: 'managed',
        owner: 'group:default/team-web',
        reference: 'localhost:5000/apps/hello-api',
        platforms: ['linux/amd64'],
        source: { repo: 'acme/hello-api' },
      },
    });
    expect(validateEnrollForm(valid)).toEqual({ fields: {}, other: [] });
  });

  it('sends the whole rebuild policy once any part of it changes', () => {
    expect(
      toEnrollRequest({ ...valid, rebuildAuto: false }).image.rebuild,
    ).toEqual({ auto: false, delay: '0s', coalesceWindow: '30m' });
  });

  it('gives a base image without a repository no source', () => {
    const request = toEnrollRequest({ ...valid, type: 'base', repo: ' ' });
    expect(request.image.source).toBeUndefined();
    expect(validateEnrollForm({ ...valid, type: 'base', repo: '' })).toEqual({
      fields: {},
      other: [],
    });
  });

  it('names the problems of rebuild durations and the reason', () => {
    const { fields } = validateEnrollForm({
      ...valid,
      rebuildDelay: 'soon',
      reason: 'x'.repeat(2001),
    });
    expect(fields).toEqual({
      rebuildDelay: "must be a duration such as '30m', '6h', '2d' or '1h30m'",
      reason: 'must be at most 2000 characters',
    });
  });

  it('reads the field issues out of a backend InputError message', () => {
    expect(
      parseBackendIssues(
        "Invalid enrollment: image.source.repo: must be 'owner/name'; image.owner: is required; something else",
      ),
    ).toEqual([
      { path: 'image.source.repo', message: "must be 'owner/name'" },
      { path: 'image.owner', message: 'is required' },
    ]);
  });

  it('keeps issues no field shows apart', () => {
    expect(
      issuesToFields(
        [
          { path: 'image.buildArgs["1X"]', message: 'bad name' },
          { path: 'image.platforms[1]', message: 'is not supported' },
        ],
        { ...valid, platforms: ['linux/amd64', 'linux/mips'] },
      ),
    ).toEqual({
      fields: { platforms: "'linux/mips': is not supported" },
      other: [{ path: 'image.buildArgs["1X"]', message: 'bad name' }],
    });
  });
});
