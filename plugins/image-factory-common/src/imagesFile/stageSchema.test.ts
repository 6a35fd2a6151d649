import { stringify } from 'yaml';
import { imageEntryToEntity } from './imageEntryToEntity';
import { parseImagesFile } from './parseImagesFile';

const entry = (stages: unknown) => ({
  name: 'web',
  type: 'managed',
  owner: 'team-web',
  reference: 'localhost:5000/apps/web',
  platforms: ['linux/amd64', 'linux/s390x'],
  source: { repo: 'acme/web' },
  stages,
});
const parse = (stages: unknown) =>
  parseImagesFile(stringify({ images: [entry(stages)] }));

describe('stages in images.yaml', () => {
  it('takes names and mappings with a policy, and the entity keeps both', () => {
    const result = parse([
      {
        name: 'dev',
        verify: [
          {
            name: 'smoke',
            command: ['sh', '-c', 'true'],
            timeout: '2m',
            platforms: ['linux/s390x'],
          },
        ],
      },
      'staging',
      {
        name: 'prod',
        tag: 'production',
        promotion: 'approval',
        approvers: ['group:default/release'],
        soak: '1h',
        updates: [
          {
            repository: 'acme/deploy',
            file: 'prod/kustomization.yaml',
            kind: 'kustomize',
          },
          {
            repository: 'acme/k8s',
            file: 'web.yaml',
            kind: 'manifest',
            path: 'spec.template.spec.containers[0].image',
          },
        ],
      },
    ]);
    expect(result.issues).toEqual([]);
    const entity = imageEntryToEntity(result.images[0], {
      location: 'url:x',
    } as any);
    expect(entity.spec.stages).toEqual(['dev', 'staging', 'prod']);
    expect(entity.spec.stagePolicies?.map(p => p.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    expect(entity.spec.stagePolicies?.[2]).toMatchObject({
      tag: 'production',
      promotion: 'approval',
    });
  });

  it('keeps names alone as before, without policies on the entity', () => {
    const result = parse(['dev', 'prod']);
    const entity = imageEntryToEntity(result.images[0], {
      location: 'url:x',
    } as any);
    expect(entity.spec.stages).toEqual(['dev', 'prod']);
    expect(entity.spec.stagePolicies).toBeUndefined();
  });

  it.each([
    [['dev', 'dev'], 'images[0].stages[1]', "names the stage 'dev' twice"],
    [
      ['dev', { name: 'prod', tag: 'dev' }],
      'images[0].stages[1]',
      "uses the tag 'dev' of another stage",
    ],
    [
      [{ name: 'prod', promotion: 'sometimes' }],
      'images[0].stages[0].promotion',
      '',
    ],
    [
      [{ name: 'prod', approvers: ['group:default/x'] }],
      'images[0].stages[0].approvers',
      'is only read with promotion: approval',
    ],
    [
      [{ name: 'prod', soak: 'soon' }],
      'images[0].stages[0].soak',
      'must be a duration',
    ],
    [
      [{ name: 'dev', verify: [{ name: 'a' }, { name: 'a' }] }],
      'images[0].stages[0].verify',
      "names the check 'a' twice",
    ],
    [
      [{ name: 'dev', verify: [{ name: 'a', image: 'not a ref!' }] }],
      'images[0].stages[0].verify[0].image',
      "must be 'self' or an image reference",
    ],
    [
      [{ name: 'dev', verify: [{ name: 'a', env: { '1X': 'y' } }] }],
      'images[0].stages[0].verify[0].env',
      'must be a variable name',
    ],
    [
      [{ name: 'dev', verify: [{ name: 'a', platforms: ['linux/arm64'] }] }],
      'images[0].stages',
      'check a runs on linux/arm64, which the image is not built for',
    ],
    [
      [
        {
          name: 'prod',
          updates: [{ repository: 'acme', file: 'x', kind: 'kustomize' }],
        },
      ],
      'images[0].stages[0].updates[0].repository',
      "must be 'owner/name'",
    ],
    [
      [
        {
          name: 'prod',
          updates: [{ repository: 'acme/x', file: '../x', kind: 'helm' }],
        },
      ],
      'images[0].stages[0].updates[0].file',
      'must be a relative path inside the repository',
    ],
    [
      [
        {
          name: 'prod',
          updates: [
            { repository: 'acme/x', file: 'x', kind: 'helm', path: 'a..b' },
          ],
        },
      ],
      'images[0].stages[0].updates[0].path',
      'must be a YAML path',
    ],
    [
      [{ name: 'prod', colour: 'red' }],
      'images[0].stages[0].colour',
      'is not a known field',
    ],
  ])('refuses %j naming %s', (stages, path, message) => {
    const result = parse(stages);
    expect(result.images).toEqual([]);
    expect(result.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: expect.stringContaining(path),
          message: expect.stringContaining(message),
        }),
      ]),
    );
  });
});
