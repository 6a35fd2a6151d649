import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Enroll a managed image built from a Dockerfile in a GitHub repository',
    example: stringify({
      steps: [
        {
          id: 'enroll',
          action: 'image-factory:enroll',
          name: 'Open the enrollment pull request',
          input: {
            name: 'web-api',
            type: 'managed',
            owner: 'group:default/team-web',
            title: 'Web API',
            description: 'The public web API.',
            reference: 'localhost:5000/apps/web-api',
            platforms: ['linux/amd64', 'linux/s390x'],
            source: {
              repo: 'acme/web-api',
              branch: 'main',
              dockerfile: 'docker/Dockerfile',
              context: '.',
            },
            rebuild: { delay: '1h' },
            stages: ['dev', 'prod'],
            reason: 'The web API moves to the factory.',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Pull request',
            url: '${{ steps.enroll.output.pullRequestUrl }}',
          },
        ],
      },
    }),
  },
  {
    description: 'Enroll an external image the factory only watches',
    example: stringify({
      steps: [
        {
          id: 'enroll',
          action: 'image-factory:enroll',
          name: 'Watch Alpine',
          input: {
            name: 'alpine',
            type: 'external',
            owner: 'team-web',
            reference: 'docker.io/library/alpine:3.20',
            platforms: ['linux/amd64', 'linux/arm64'],
          },
        },
      ],
    }),
  },
];
