import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_IMAGE_FACTORY_STALE_STAGES,
  LifecycleOverview,
} from '@image-factory/plugin-image-factory-common';
import { withStageAnnotations } from './stageAnnotations';

const image = (name: string): Entity => ({
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Image',
  metadata: { name, annotations: { 'imagefactory.dev/entry': name } },
  spec: { type: 'managed', owner: 'team-web', stages: ['dev', 'prod'] },
});

describe('withStageAnnotations', () => {
  const d1 = `sha256:${'1'.repeat(64)}`;
  const d2 = `sha256:${'2'.repeat(64)}`;
  const overview: LifecycleOverview = {
    staleAfter: '7d',
    items: [
      {
        imageName: 'web',
        entityRef: 'image:default/web',
        owner: 'group:default/team-web',
        stages: [
          { name: 'dev', tag: 'dev', digest: d2 },
          {
            name: 'prod',
            tag: 'production',
            digest: d1,
            stale: {
              base: 'docker.io/library/alpine:3',
              replacedAt: '2026-11-01T00:00:00Z',
            },
          },
        ],
      },
      {
        imageName: 'api',
        entityRef: 'image:default/api',
        owner: 'group:default/team-web',
        stages: [{ name: 'dev', tag: 'dev' }],
      },
    ],
  };

  it('adds the digest of each stage and names the stale ones, keeping other annotations', () => {
    const [web, api, other] = withStageAnnotations(
      [image('web'), image('api'), { ...image('x'), kind: 'Component' }],
      overview,
    );
    expect(web.metadata.annotations).toEqual({
      'imagefactory.dev/entry': 'web',
      'stage.imagefactory.dev/dev': d2,
      'stage.imagefactory.dev/prod': d1,
      [ANNOTATION_IMAGE_FACTORY_STALE_STAGES]: 'prod',
    });
    // A stage that holds nothing yet adds nothing.
    expect(api.metadata.annotations).toEqual({
      'imagefactory.dev/entry': 'api',
    });
    expect(other.metadata.annotations).toEqual({
      'imagefactory.dev/entry': 'x',
    });
  });
});
