import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Validate a managed image built from a GitHub repository',
    example: stringify({
      steps: [
        {
          id: 'validate',
          action: 'image-factory:validate',
          name: 'Validate the image',
          input: {
            image: {
              name: 'hello-web',
              type: 'managed',
              owner: 'team-web',
              reference: 'localhost:5000/apps/hello-web',
              platforms: ['linux/amd64', 'linux/s390x'],
              source: {
                provider: 'github',
                repo: 'image-factory/examples',
                branch: 'main',
                dockerfile: 'dockerfiles/hello-web/Dockerfile',
                context: 'dockerfiles/hello-web',
              },
              rebuild: { auto: true, delay: '1h', coalesceWindow: '30m' },
            },
          },
        },
      ],
    }),
  },
  {
    description: 'Validate an external image the factory only watches',
    example: stringify({
      steps: [
        {
          id: 'validate',
          action: 'image-factory:validate',
          name: 'Validate the image',
          input: {
            image: {
              name: 'debian-bookworm',
              type: 'external',
              owner: 'platform-team',
              reference: 'debian:bookworm-slim',
            },
          },
        },
      ],
    }),
  },
];
