import { OpenApiValidator, MatchedOperation } from './OpenApiValidator';

// Loading GitHub's OpenAPI description (tens of MB) is slow on a loaded machine;
// the package's jest.testTimeout is not applied by `backstage-cli repo test`.
jest.setTimeout(60_000);

describe('OpenApiValidator', () => {
  const validator = new OpenApiValidator();

  function match(method: string, path: string) {
    const found = validator.match(method, path);
    if (!found || 'allowed' in found)
      throw new Error(`no match for ${method} ${path}`);
    return found as MatchedOperation;
  }

  it('matches operations, decoding params and joining multi-segment ones', () => {
    expect(
      match('GET', '/repos/acme/cfg/git/ref/heads%2Fimage-factory%2Fenroll-x'),
    ).toMatchObject({
      template: '/repos/{owner}/{repo}/git/ref/{ref}',
      params: {
        owner: 'acme',
        repo: 'cfg',
        ref: 'heads/image-factory/enroll-x',
      },
    });
    expect(
      match('PUT', '/repos/acme/cfg/contents/config/images.yaml').params.path,
    ).toBe('config/images.yaml');
    expect(match('GET', '/repos/acme/cfg/pulls/3').template).toBe(
      '/repos/{owner}/{repo}/pulls/{pull_number}',
    );
    expect(validator.match('POST', '/repos/acme/cfg')).toEqual({
      allowed: expect.arrayContaining(['get', 'patch', 'delete']),
    });
    expect(
      validator.match('GET', '/no/such/endpoint/anywhere/at/all'),
    ).toBeUndefined();
  });

  it('validates path params and query against their schemas', () => {
    const op = match('GET', '/repos/acme/cfg/pulls/abc');
    expect(
      validator.validateRequest(op, new URLSearchParams(), undefined),
    ).toEqual([
      expect.objectContaining({ path: 'pull_number', keyword: 'type' }),
    ]);
    const list = match('GET', '/repos/acme/cfg/pulls');
    expect(
      validator.validateRequest(
        list,
        new URLSearchParams('state=merged'),
        undefined,
      ),
    ).toEqual([expect.objectContaining({ path: 'state', keyword: 'enum' })]);
    expect(
      validator.validateRequest(
        list,
        new URLSearchParams('state=all&per_page=5'),
        undefined,
      ),
    ).toEqual([]);
  });

  it('rejects a response that breaks the operation schema', () => {
    const op = match('GET', '/repos/acme/cfg/git/ref/heads/main');
    expect(
      validator.validateResponse(op, 200, { ref: 'refs/heads/main' }),
    ).toEqual(
      expect.arrayContaining([expect.objectContaining({ missing: 'object' })]),
    );
    expect(validator.validateResponse(op, 418, {})).toBeUndefined();
  });

  it('accepts OpenAPI 3.0 nullable fields', () => {
    const op = match('PUT', '/repos/acme/cfg/contents/a.txt');
    expect(
      validator.validateResponse(op, 201, { content: null, commit: {} }),
    ).toEqual([]);
  });

  it('validates webhook payloads against the webhooks description', () => {
    expect(
      validator.validateWebhook('pull-request-closed', { action: 'closed' }),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ missing: 'pull_request' }),
      ]),
    );
    expect(validator.validateWebhook('no-such-hook', {})).toHaveLength(1);
  });
});
