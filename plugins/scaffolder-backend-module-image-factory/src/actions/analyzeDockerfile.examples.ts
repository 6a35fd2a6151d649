import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Fetch a repository and list the base images of its Dockerfile',
    example: stringify({
      steps: [
        {
          id: 'fetch',
          action: 'fetch:plain',
          name: 'Fetch the source',
          input: { url: 'https://github.com/acme/web' },
        },
        {
          id: 'analyze',
          action: 'image-factory:analyze',
          name: 'Find the base images',
          input: {
            path: 'docker/Dockerfile',
            buildArgs: { NODE_VERSION: '22' },
          },
        },
      ],
      output: {
        text: [
          {
            title: 'Base images',
            content: '${{ steps.analyze.output.bases | join(", ") }}',
          },
        ],
      },
    }),
  },
];
