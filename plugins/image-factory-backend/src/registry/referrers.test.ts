import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { thrown } from '../__testUtils__/thrown';
import { RegistryResponseError } from './errors';
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from './mediaTypes';
import { OciRegistryClient } from './OciRegistryClient';
import { referrersTag } from './referrers';

const SUBJECT = `sha256:${'a'.repeat(64)}`;
const descriptor = (n: number, artifactType: string) => ({
  mediaType: OCI_IMAGE_MANIFEST,
  digest: `sha256:${String(n).repeat(64)}`,
  size: 100 + n,
  artifactType,
  annotations: { 'org.example.n': String(n) },
});

describe('referrersTag', () => {
  it('follows the referrers tag schema', () => {
    expect(referrersTag(SUBJECT)).toBe(`sha256-${'a'.repeat(64)}`);
    expect(referrersTag(`sha512:${'b'.repeat(128)}`)).toBe(
      `sha512-${'b'.repeat(64)}`,
    );
    expect(referrersTag('x+y:a=b')).toBe('x-y-a-b');
  });
});

describe('OciRegistryClient.listReferrers against a registry with the referrers API', () => {
  // distribution 2.8 has no referrers API; this loopback server answers
  // `GET /v2/<name>/referrers/<digest>` as distribution-spec v1.1 says
  // ("Listing Referrers"): an image index, pages linked with rel="next",
  // and `OCI-Filters-Applied` when it filtered by artifactType.
  let server: Server;
  let filters = true;
  let linkTo = '';
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://registry');
      requests.push(`${url.pathname}${url.search}`);
      const page = url.searchParams.get('page') ?? '1';
      const type = url.searchParams.get('artifactType');
      let manifests =
        page === '1'
          ? [
              descriptor(1, 'application/sbom'),
              descriptor(2, 'application/sig'),
            ]
          : [descriptor(3, 'application/sbom')];
      const headers: Record<string, string> = {
        'Content-Type': OCI_IMAGE_INDEX,
      };
      if (type && filters) {
        manifests = manifests.filter(m => m.artifactType === type);
        headers['OCI-Filters-Applied'] = 'artifactType';
      }
      if (page === '1') {
        headers.Link = `<${linkTo || `${url.pathname}?page=2`}>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_IMAGE_INDEX,
          manifests,
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    filters = true;
    linkTo = '';
    requests.length = 0;
  });

  const repo = () => ({
    registry: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    repository: 'team/app',
  });

  it('reads every page of the API', async () => {
    const result = await OciRegistryClient.create().listReferrers(
      repo(),
      SUBJECT,
    );
    expect(result).toEqual({
      source: 'referrers-api',
      descriptors: [
        descriptor(1, 'application/sbom'),
        descriptor(2, 'application/sig'),
        descriptor(3, 'application/sbom'),
      ],
    });
    expect(requests).toEqual([
      `/v2/team/app/referrers/${SUBJECT}`,
      `/v2/team/app/referrers/${SUBJECT}?page=2`,
    ]);
  });

  it.each([true, false])(
    'filters by artifactType, itself when the registry did not (registry filters: %s)',
    async registryFilters => {
      filters = registryFilters;
      const result = await OciRegistryClient.create().listReferrers(
        repo(),
        SUBJECT,
        {
          artifactType: 'application/sbom',
        },
      );
      expect(result.descriptors.map(d => d.size)).toEqual([101, 103]);
      expect(requests[0]).toBe(
        `/v2/team/app/referrers/${SUBJECT}?artifactType=application%2Fsbom`,
      );
    },
  );

  it('does not follow a next page on another origin', async () => {
    linkTo = 'http://elsewhere.example/v2/team/app/referrers/x?page=2';
    const error = await thrown(() =>
      OciRegistryClient.create().listReferrers(repo(), SUBJECT),
    );
    expect(error).toBeInstanceOf(RegistryResponseError);
    expect(error.message).toContain('outside its origin');
    expect(requests).toHaveLength(1);
  });
});
