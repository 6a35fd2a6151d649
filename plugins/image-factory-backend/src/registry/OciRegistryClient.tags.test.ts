import { InputError } from '@backstage/errors';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import {
  startTestRegistry,
  TestRegistry,
} from '../__testUtils__/startTestRegistry';
import { thrown } from '../__testUtils__/thrown';
import {
  pushCosignSignature,
  pushImageIndex,
  pushReferrer,
  tagManyTimes,
} from '../versions/__testUtils__';
import {
  ManifestNotFoundError,
  RegistryAuthError,
  RegistryUnavailableError,
} from './errors';
import { OCI_IMAGE_INDEX } from './mediaTypes';
import { OciRegistryClient } from './OciRegistryClient';
import { referrersTag } from './referrers';
import { RepositoryRef, TagListPage } from './types';

const START_TIMEOUT_MS = 30_000;
const PUSH_TIMEOUT_MS = 120_000;
const auth = { username: 'lister', password: 'Pa55-word-for-tags' };
const SBOM = 'application/vnd.example.sbom.v1+json';

/** Every page of a listing, following `next`. */
async function listAll(
  client: OciRegistryClient,
  repo: RepositoryRef,
  n: number,
): Promise<TagListPage[]> {
  const pages: TagListPage[] = [];
  let last: string | undefined;
  do {
    const page = await client.listTags(repo, { n, last });
    pages.push(page);
    last = page.next?.last;
  } while (last !== undefined && pages.length < 1000);
  return pages;
}

function authedClient(host: string) {
  return OciRegistryClient.create({
    credentials: async h =>
      h === host ? { type: 'basic', ...auth } : undefined,
  });
}

describe('OciRegistryClient tag listing and referrers against distribution with htpasswd', () => {
  let registry: TestRegistry;
  let client: OciRegistryClient;
  const repo = (repository: string) => ({
    registry: registry.host,
    repository,
  });

  beforeAll(async () => {
    registry = await startTestRegistry({ auth });
    client = authedClient(registry.host);
  }, START_TIMEOUT_MS);
  afterAll(() => registry?.stop());

  it(
    'reads 1,500 tags over three manifests completely in pages of 100',
    async () => {
      const many = repo('team/many');
      const tags = Array.from({ length: 1500 }, (_, i) => `1.${i % 3}.${i}`);
      for (const seed of [0, 1, 2]) {
        const { digest } = await pushImageIndex(client, many, {
          seed,
          platforms: ['linux/amd64'],
          layers: 1,
        });
        await tagManyTimes(
          client,
          many,
          digest,
          tags.filter((_, i) => i % 3 === seed),
        );
      }

      const pages = await listAll(client, many, 100);

      // Debian's distribution 2.8 ignores n and last and sends no Link
      // (checked with curl); the client pages the full list itself.
      expect(pages).toHaveLength(15);
      expect(pages.every(p => p.tags.length === 100)).toBe(true);
      expect(pages.at(-1)!.next).toBeUndefined();
      const listed = pages.flatMap(p => p.tags);
      expect(listed).toEqual([...tags].sort());
      expect(new Set(listed).size).toBe(1500);
    },
    PUSH_TIMEOUT_MS,
  );

  it('lists a repository whose tags were all deleted as empty', async () => {
    const emptied = repo('team/emptied');
    const { digest } = await pushImageIndex(client, emptied, {
      tag: 'gone',
      platforms: ['linux/amd64'],
    });
    expect(await client.listTags(emptied)).toEqual({ tags: ['gone'] });
    expect(await client.deleteManifest(emptied, digest)).toBe('deleted');

    // distribution answers `"tags": null` here.
    expect(await client.listTags(emptied, { n: 10 })).toEqual({ tags: [] });
  });

  it('throws ManifestNotFoundError for a repository the registry does not know', async () => {
    const error = await thrown(() => client.listTags(repo('team/unknown')));
    expect(error).toBeInstanceOf(ManifestNotFoundError);
    expect(error.message).toContain(`${registry.host}/team/unknown`);
    expect(error.message).toContain('NAME_UNKNOWN');
  });

  it.each([
    [{ repository: 'Team/App' }, {}, /^repository: 'Team\/App'/],
    [{ repository: 'team/../x' }, {}, /^repository: /],
    [{ registry: 'not a host' }, {}, /^registry: /],
    [{}, { n: 0 }, /^n: must be an integer from 1 to 10000, got 0$/],
    [{}, { n: 10_001 }, /^n: .* got 10001$/],
    [{}, { n: 2.5 }, /^n: .* got 2.5$/],
    [{}, { last: '' }, /^last: /],
    [{}, { last: 'a\nb' }, /^last: /],
  ])(
    'rejects %j %j with an InputError naming the field',
    async (repoOverride, options, message) => {
      const error = await thrown(() =>
        client.listTags({ ...repo('team/app'), ...repoOverride }, options),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(message);
    },
  );

  it('rejects an invalid subject digest or artifact type for referrers', async () => {
    const digestError = await thrown(() =>
      client.listReferrers(repo('team/app'), 'sha256:NOT/hex'),
    );
    expect(digestError).toBeInstanceOf(InputError);
    expect(digestError.message).toMatch(/^digest: /);
    const typeError = await thrown(() =>
      client.listReferrers(repo('team/app'), `sha256:${'a'.repeat(64)}`, {
        artifactType: 'not a media type',
      }),
    );
    expect(typeError).toBeInstanceOf(InputError);
    expect(typeError.message).toMatch(/^artifactType: /);
  });

  it('finds a pushed referrer through the referrers tag, as distribution 2.8 has no referrers API', async () => {
    const signed = repo('team/signed');
    const image = await pushImageIndex(client, signed, { tag: '1.0' });
    expect(await client.listReferrers(signed, image.digest)).toEqual({
      descriptors: [],
      source: 'referrers-tag',
    });

    const sbom = await pushReferrer(client, signed, image.digest, SBOM, {
      annotations: { 'org.example.sbom.format': 'spdx' },
    });
    const other = await pushReferrer(
      client,
      signed,
      image.digest,
      'application/vnd.example.signature.v1',
    );
    expect(sbom.source).toBe('referrers-tag');

    const all = await client.listReferrers(signed, image.digest);
    expect(all.source).toBe('referrers-tag');
    expect(all.descriptors.map(d => d.digest)).toEqual([
      sbom.digest,
      other.digest,
    ]);
    expect(all.descriptors[0]).toMatchObject({
      artifactType: SBOM,
      size: sbom.size,
      annotations: { 'org.example.sbom.format': 'spdx' },
    });
    const sboms = await client.listReferrers(signed, image.digest, {
      artifactType: SBOM,
    });
    expect(sboms.descriptors.map(d => d.digest)).toEqual([sbom.digest]);
    expect((await client.listTags(signed)).tags.sort()).toEqual(
      ['1.0', referrersTag(image.digest)].sort(),
    );
  });

  it('pushes a cosign signature under its sha256-<hex>.sig tag', async () => {
    const signed = repo('team/cosigned');
    const image = await pushImageIndex(client, signed, { tag: '2.0' });
    const signature = await pushCosignSignature(client, signed, image.digest);
    expect(signature.tag).toBe(`${image.digest.replace(':', '-')}.sig`);
    const manifest = await client.getManifest({
      ...signed,
      tag: signature.tag,
    });
    expect(manifest.digest).toBe(signature.digest);
    expect(manifest.json.layers?.[0]).toMatchObject({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      annotations: {
        'dev.cosignproject.cosign/signature': expect.any(String),
      },
    });
  });

  it('pushes an index with attestation manifests and a mislabelled platform, and reads it back', async () => {
    const attested = repo('team/attested');
    const pushed = await pushImageIndex(client, attested, {
      tag: '3.0',
      platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/s390x'],
      attestations: true,
      mislabel: { 'linux/s390x': 'linux/ppc64le' },
      seed: 'attested',
    });
    const index = await client.getManifest({ ...attested, tag: '3.0' });
    expect(index.digest).toBe(pushed.digest);
    expect(index.mediaType).toBe(OCI_IMAGE_INDEX);
    const entries = index.json.manifests!;
    expect(entries).toHaveLength(6);
    expect(entries.slice(0, 3).map(e => e.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'ppc64le' },
    ]);
    for (const [i, attestation] of entries.slice(3).entries()) {
      expect(attestation).toMatchObject({
        digest: pushed.attestations[i].digest,
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': pushed.platforms[i].digest,
        },
      });
      const manifest = await client.getManifest({
        ...attested,
        digest: attestation.digest,
      });
      expect(manifest.json.layers?.[0]).toMatchObject({
        mediaType: 'application/vnd.in-toto+json',
        annotations: {
          'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2',
        },
      });
    }
    // The config tells the truth the mislabelled entry does not.
    const s390x = pushed.platforms[2];
    const config = JSON.parse(
      (await client.getBlob(attested, s390x.configDigest)).toString(),
    );
    expect(config).toMatchObject({ os: 'linux', architecture: 's390x' });
    expect(config.rootfs.diff_ids).toEqual(s390x.layers.map(l => l.diffId));
    expect(pushed.platforms[1].layers).toHaveLength(2);

    // Another seed gives other digests; the same seed the same ones.
    const again = await pushImageIndex(client, attested, {
      platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/s390x'],
      attestations: true,
      mislabel: { 'linux/s390x': 'linux/ppc64le' },
      seed: 'attested',
    });
    const reseeded = await pushImageIndex(client, attested, {
      platforms: ['linux/amd64'],
      seed: 'other',
    });
    expect(again.digest).toBe(pushed.digest);
    expect(reseeded.platforms[0].digest).not.toBe(pushed.platforms[0].digest);
  });
});

describe('OciRegistryClient tag listing when the registry stops mid-listing', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry();
  }, START_TIMEOUT_MS);
  afterAll(() => registry?.stop());

  it(
    'throws RegistryUnavailableError naming the registry, and goes on once it is back',
    async () => {
      const client = OciRegistryClient.create();
      const repo = { registry: registry.host, repository: 'team/paused' };
      const { digest } = await pushImageIndex(client, repo, {
        platforms: ['linux/amd64'],
      });
      const tags = Array.from({ length: 250 }, (_, i) => `t${i}`);
      await tagManyTimes(client, repo, digest, tags);

      const first = await client.listTags(repo, { n: 100 });
      expect(first.next).toEqual({ last: first.tags[99], n: 100 });
      await registry.pause();

      const error = await thrown(() =>
        client.listTags(repo, { n: 100, last: first.next!.last }),
      );
      expect(error).toBeInstanceOf(RegistryUnavailableError);
      expect(error.message).toContain(`Registry ${registry.host}`);

      await registry.resume();
      const second = await client.listTags(repo, {
        n: 100,
        last: first.next!.last,
      });
      expect(second.tags[0] > first.tags[99]).toBe(true);
    },
    PUSH_TIMEOUT_MS,
  );
});

describe('OciRegistryClient tag listing against distribution with bearer tokens', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry({ bearer: auth });
  }, START_TIMEOUT_MS);
  afterAll(() => registry?.stop());

  it('lists tags and referrers with a token for the pull scope, and refuses anonymous access', async () => {
    const client = authedClient(registry.host);
    const repo = { registry: registry.host, repository: 'team/bearer' };
    await pushImageIndex(client, repo, { tag: 'b1' });
    await pushImageIndex(client, repo, { tag: 'a1', seed: 1 });

    expect(await client.listTags(repo, { n: 1 })).toEqual({
      tags: ['a1'],
      next: { last: 'a1', n: 1 },
    });
    expect(await client.listTags(repo, { n: 1, last: 'a1' })).toEqual({
      tags: ['b1'],
    });
    expect(registry.tokenServer!.requests).toContainEqual({
      scopes: ['repository:team/bearer:pull'],
      user: auth.username,
    });

    const subject = (await client.headManifest({ ...repo, tag: 'a1' })).digest;
    const referrer = await pushReferrer(client, repo, subject, SBOM);
    expect(await client.listReferrers(repo, subject)).toMatchObject({
      source: 'referrers-tag',
      descriptors: [{ digest: referrer.digest, artifactType: SBOM }],
    });

    const anonymous = OciRegistryClient.create();
    const error = await thrown(() => anonymous.listTags(repo));
    expect(error).toBeInstanceOf(RegistryAuthError);
    expect(error.message).toContain(registry.host);
  });
});

describe('OciRegistryClient tag listing against a registry that pages with Link headers', () => {
  // Debian's distribution 2.8 sends no Link header, so this loopback server
  // answers `GET /v2/<name>/tags/list` as the distribution spec describes
  // ("Listing Tags": at most n tags after `last`, in lexical order, and a
  // `Link: <…>; rel="next"` while more remain), absolute or relative.
  const all = Array.from(
    { length: 23 },
    (_, i) => `v${String(i).padStart(2, '0')}`,
  );
  let server: Server;
  let absolute = false;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://registry');
      requests.push(`${url.pathname}${url.search}`);
      if (url.pathname !== '/v2/team/linked/tags/list') {
        res.writeHead(404).end();
        return;
      }
      const n = Number(url.searchParams.get('n') ?? all.length);
      const last = url.searchParams.get('last');
      const rest = all.filter(t => last === null || t > last);
      const tags = rest.slice(0, n);
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
      };
      if (rest.length > n) {
        const path = `/v2/team/linked/tags/list?n=${n}&last=${tags.at(-1)}`;
        headers.Link = `<${
          absolute ? `http://${req.headers.host}${path}` : path
        }>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify({ name: 'team/linked', tags }));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it.each([false, true])(
    'follows the next links (absolute: %s) to the end',
    async isAbsolute => {
      absolute = isAbsolute;
      requests.length = 0;
      const { port } = server.address() as AddressInfo;
      const client = OciRegistryClient.create();
      const repo = { registry: `127.0.0.1:${port}`, repository: 'team/linked' };

      const pages = await listAll(client, repo, 10);

      expect(pages.map(p => p.tags.length)).toEqual([10, 10, 3]);
      expect(pages.flatMap(p => p.tags)).toEqual(all);
      expect(requests).toEqual([
        '/v2/team/linked/tags/list?n=10',
        '/v2/team/linked/tags/list?n=10&last=v09',
        '/v2/team/linked/tags/list?n=10&last=v19',
      ]);
    },
  );
});
