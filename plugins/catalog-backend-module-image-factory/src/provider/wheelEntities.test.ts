import { wheelEntityV1alpha1Validator } from '@image-factory/plugin-image-factory-common';
import { wheelToEntity } from './wheelEntities';

describe('wheelToEntity', () => {
  const job = (platform: string, status: 'built' | 'failed') => ({
    id: `job-${platform}`,
    runId: 'run-1',
    python: 'cp311',
    platform,
    project: 'markupsafe',
    version: '2.1.2',
    round: 0,
    status,
    attempts: [],
    files: [],
  });

  it('makes a valid Wheel entity owned by its set, with its targets, status, sets and builders', async () => {
    const entity = wheelToEntity(
      {
        project: 'markupsafe',
        versions: ['2.1.2'],
        files: [],
        sets: ['web-templating'],
        owner: 'group:default/team-web',
        builders: {
          'linux/amd64': 'image-factory/wheel-builder:bookworm-amd64',
          'linux/s390x': 'image-factory/wheel-builder:bookworm-s390x',
        },
        latest: [job('linux/amd64', 'built'), job('linux/s390x', 'failed')],
        status: 'failed',
      },
      'group:default/platform-team',
    );
    expect(entity.metadata.name).toBe('markupsafe');
    expect(entity.spec).toEqual({
      package: 'markupsafe',
      owner: 'group:default/team-web',
      versions: ['2.1.2'],
      targets: [
        { python: 'cp311', platform: 'linux/amd64' },
        { python: 'cp311', platform: 'linux/s390x' },
      ],
      status: 'failed',
      sets: ['web-templating'],
      builtWith: [
        'image-factory/wheel-builder:bookworm-amd64',
        'image-factory/wheel-builder:bookworm-s390x',
      ],
    });
    await expect(wheelEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });

  it('names the factory-built Images it was built in, for dependsOn relations', async () => {
    const entity = wheelToEntity(
      {
        project: 'markupsafe',
        versions: ['2.1.2'],
        files: [],
        sets: ['web-templating'],
        builders: {
          'linux/s390x':
            'localhost:5000/base/wheel-builder@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        },
        builderImages: ['image:default/wheel-builder'],
        latest: [job('linux/s390x', 'built')],
        status: 'built',
      },
      'group:default/platform-team',
    );
    expect(entity.spec.builderImages).toEqual(['image:default/wheel-builder']);
    await expect(wheelEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });

  it('falls back to the provider owner for a project no set owns any more', () => {
    const entity = wheelToEntity(
      {
        project: 'cffi',
        versions: [],
        files: [],
        sets: [],
        builders: {},
        latest: [],
        status: 'pending',
      },
      'group:default/platform-team',
    );
    expect(entity.spec.owner).toBe('group:default/platform-team');
    expect(entity.spec.targets).toEqual([]);
  });
});
