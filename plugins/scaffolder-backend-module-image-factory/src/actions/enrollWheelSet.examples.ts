import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Enroll a wheel set built from PyPI for amd64 and, through QEMU, s390x',
    example: stringify({
      steps: [
        {
          id: 'enroll',
          action: 'image-factory:enroll-wheel-set',
          name: 'Open the enrollment pull request',
          input: {
            name: 'numeric',
            owner: 'group:default/team-web',
            description: 'msgpack for the web images, on every platform',
            requirements: ['msgpack==1.0.3'],
            targets: [
              { python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] },
            ],
            builder: 'wheel-builder',
            reason: 'msgpack compiles on every s390x install.',
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
    description:
      'Enroll a wheel set from a private index, with a build hint and a longer timeout',
    example: stringify({
      steps: [
        {
          id: 'enroll',
          action: 'image-factory:enroll-wheel-set',
          name: 'Enroll the crypto wheels',
          input: {
            name: 'crypto',
            owner: 'team-web',
            title: 'Crypto wheels',
            requirements: ['cffi>=1.15,<2', 'pynacl==1.5.0'],
            targets: [
              { python: 'cp311', platforms: ['linux/s390x'] },
              { python: 'cp312', platforms: ['linux/amd64'] },
            ],
            upstream: 'https://pypi.internal.example.com/simple/',
            timeout: '45m',
            hints: [
              {
                project: 'pynacl',
                debianPackages: ['libsodium-dev'],
                env: { SODIUM_INSTALL: 'system' },
              },
            ],
          },
        },
      ],
    }),
  },
];
