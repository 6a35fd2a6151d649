import { ConfigReader } from '@backstage/config';
import {
  IMAGE_FACTORY_API_VERSION,
  ImageEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';
import { readProvidersConfig } from '@image-factory/plugin-image-factory-node';
import { readSourceLinks, withSourceLinks } from './sourceLinks';

function linksFor(data: ConstructorParameters<typeof ConfigReader>[0]) {
  const config = new ConfigReader(data);
  return readSourceLinks(config, readProvidersConfig(config));
}

/** Dev mode: the local GitHub test server, over plain http. */
const TEST_SERVER = {
  integrations: {
    github: [
      { host: '127.0.0.1:7010', apiBaseUrl: 'http://127.0.0.1:7010/api/v3' },
    ],
  },
  imageFactory: {
    providers: {
      sources: { github: { type: 'github', host: '127.0.0.1:7010' } },
    },
  },
};

const image: ImageEntityV1alpha1 = {
  apiVersion: IMAGE_FACTORY_API_VERSION,
  kind: 'Image',
  metadata: {
    name: 'hello-web',
    annotations: { 'imagefactory.dev/entry': 'images[2]' },
  },
  spec: {
    type: 'managed',
    owner: 'group:default/team-web',
    reference: 'localhost:5000/apps/hello-web:latest',
    registry: 'localhost:5000',
    repository: 'apps/hello-web',
    platforms: ['linux/amd64'],
    source: {
      provider: 'github',
      repo: 'image-factory/examples',
      branch: 'main',
      dockerfile: 'dockerfiles/hello-web/Dockerfile',
      context: 'dockerfiles/hello-web',
    },
  },
};

describe('source links', () => {
  it('link the Dockerfile and the edit page of images.yaml on the configured host, not github.com', () => {
    const entity = withSourceLinks(
      image,
      linksFor(TEST_SERVER),
      'http://127.0.0.1:7010/image-factory/examples/blob/main/images.yaml',
    );
    expect(entity.metadata.annotations).toEqual({
      'imagefactory.dev/entry': 'images[2]',
      'backstage.io/view-url':
        'http://127.0.0.1:7010/image-factory/examples/blob/main/dockerfiles/hello-web/Dockerfile',
      'backstage.io/edit-url':
        'http://127.0.0.1:7010/image-factory/examples/edit/main/images.yaml',
    });
  });

  it('use https for GitHub Enterprise and github.com, and encode branch names', () => {
    const links = linksFor({
      imageFactory: {
        providers: {
          sources: { ghe: { type: 'github', host: 'ghe.example.com' } },
        },
      },
    });
    expect(
      links.dockerfileUrl({ ...image.spec.source!, branch: 'feat/#1' }),
    ).toBe(
      'https://ghe.example.com/image-factory/examples/blob/feat/%231/dockerfiles/hello-web/Dockerfile',
    );
    expect(linksFor({}).dockerfileUrl(image.spec.source!)).toMatch(
      /^https:\/\/github\.com\//,
    );
  });

  it('offer no edit link for a file location or a host that is not GitHub', () => {
    const links = linksFor(TEST_SERVER);
    expect(links.editUrl('/srv/factory/images.yaml')).toBeUndefined();
    expect(
      links.editUrl('https://gitlab.example.com/a/b/blob/main/images.yaml'),
    ).toBeUndefined();
    const entity = withSourceLinks(image, links, '/srv/factory/images.yaml');
    expect(entity.metadata.annotations?.['backstage.io/edit-url']).toBe(
      undefined,
    );
  });

  it('give discovered bases (not entries of images.yaml) no edit link', () => {
    const discovered = {
      ...image,
      metadata: { name: 'debian' },
      spec: { ...image.spec, type: 'base' as const, source: undefined },
    };
    expect(
      withSourceLinks(
        discovered,
        linksFor(TEST_SERVER),
        'http://127.0.0.1:7010/image-factory/examples/blob/main/images.yaml',
      ),
    ).toBe(discovered);
  });
});
