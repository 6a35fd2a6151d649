import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { cyclesWith } from './cyclesWith';
import { ResolvedBase } from './types';

const source = { repo: 'acme/apps', dockerfile: 'Dockerfile', context: '.' };
const image = (name: string) =>
  imageEntity({
    name,
    registry: 'registry.example.com',
    repository: `apps/${name}`,
    platforms: ['linux/amd64'],
    source,
  });
const base = (reference: string): ResolvedBase => ({
  reference,
  platforms: ['linux/amd64'],
  usages: [],
});

/** Bases as the resolver knows them, and the candidate's as its Dockerfile says now. */
function resolver(known: Record<string, string[]>, candidate?: string[]) {
  return {
    load: async () => {},
    get: (entityRef: string) =>
      known[entityRef] && {
        entityRef,
        bases: known[entityRef].map(base),
        problems: [],
        analyzedAt: new Date(0),
      },
    analyze: async () => candidate?.map(base),
  };
}

describe('cyclesWith', () => {
  const api = image('api');
  const runtime = image('runtime');

  it('finds the cycle a proposed image closes through images already enrolled', async () => {
    // runtime is built FROM api's image; api as proposed is built FROM runtime's.
    const cycles = await cyclesWith(
      api,
      [runtime],
      resolver(
        { 'image:default/runtime': ['registry.example.com/apps/api:latest'] },
        ['registry.example.com/apps/runtime:latest'],
      ),
    );
    expect(cycles).toEqual([['image:default/api', 'image:default/runtime']]);
  });

  it('finds none for a chain, for an unreadable Dockerfile and for an external image', async () => {
    const known = {
      'image:default/runtime': ['docker.io/library/debian:12'],
    };
    expect(
      await cyclesWith(
        api,
        [runtime],
        resolver(known, ['registry.example.com/apps/runtime:latest']),
      ),
    ).toEqual([]);
    expect(await cyclesWith(api, [runtime], resolver(known))).toEqual([]);
    const external = image('api');
    external.spec.type = 'external';
    expect(
      await cyclesWith(
        external,
        [runtime],
        resolver(known, ['registry.example.com/apps/api:latest']),
      ),
    ).toEqual([]);
  });

  it('judges a changed image by its proposed Dockerfile, not its enrolled one', async () => {
    const cycles = await cyclesWith(
      api,
      [api, runtime],
      resolver(
        {
          'image:default/api': ['registry.example.com/apps/runtime:latest'],
          'image:default/runtime': ['registry.example.com/apps/api:latest'],
        },
        ['docker.io/library/debian:12'],
      ),
    );
    expect(cycles).toEqual([]);
  });
});
