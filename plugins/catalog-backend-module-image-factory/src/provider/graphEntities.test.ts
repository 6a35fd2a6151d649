import { DependencyGraphResponse } from '@image-factory/plugin-image-factory-common';
import { ANNOTATION_DISCOVERED, withGraph } from './graphEntities';

const image = (name: string, reference: string) => ({
  apiVersion: 'imagefactory.dev/v1alpha1',
  kind: 'Image',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'managed',
    owner: 'team-web',
    reference,
    registry: 'r.example.com',
    repository: `apps/${name}`,
    platforms: ['linux/amd64'],
  },
});

describe('withGraph', () => {
  it('adds dependsOn from the edges and an Image of type base per discovered base', () => {
    const graph: DependencyGraphResponse = {
      nodes: [
        {
          id: 'docker.io/library/node:22',
          entityRef: 'image:default/docker-io-library-node-22',
          type: 'discovered',
          reference: 'docker.io/library/node:22',
          platforms: ['linux/amd64', 'linux/s390x'],
        },
        {
          id: 'r.example.com/apps/base:1',
          entityRef: 'image:default/base',
          type: 'base',
          reference: 'r.example.com/apps/base:1',
        },
        {
          id: 'r.example.com/apps/web:1',
          entityRef: 'image:default/web',
          type: 'managed',
          reference: 'r.example.com/apps/web:1',
        },
      ],
      edges: [
        { from: 'docker.io/library/node:22', to: 'r.example.com/apps/base:1' },
        { from: 'r.example.com/apps/base:1', to: 'r.example.com/apps/web:1' },
      ],
      cycles: [],
      problems: [],
      sourceProblems: [],
    };
    const out = withGraph(
      [
        image('base', 'r.example.com/apps/base:1'),
        image('web', 'r.example.com/apps/web:1'),
      ],
      graph,
      'group:default/platform',
    );
    expect(out.map(e => (e.spec as any).dependsOn)).toEqual([
      ['image:default/docker-io-library-node-22'],
      ['image:default/base'],
      undefined,
    ]);
    expect(out[2]).toEqual({
      apiVersion: 'imagefactory.dev/v1alpha1',
      kind: 'Image',
      metadata: {
        name: 'docker-io-library-node-22',
        title: 'docker.io/library/node:22',
        description: 'A base image found in Dockerfiles of the Image Factory.',
        annotations: {
          'imagefactory.dev/reference': 'docker.io/library/node:22',
          [ANNOTATION_DISCOVERED]: 'dockerfile',
        },
      },
      spec: {
        type: 'base',
        owner: 'group:default/platform',
        reference: 'docker.io/library/node:22',
        registry: 'docker.io',
        repository: 'library/node',
        tag: '22',
        platforms: ['linux/amd64', 'linux/s390x'],
      },
    });
  });
});
