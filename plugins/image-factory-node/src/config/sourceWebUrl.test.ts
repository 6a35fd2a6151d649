import { ConfigReader } from '@backstage/config';
import { readProvidersConfig } from './readProvidersConfig';
import { sourceWebUrl } from './sourceWebUrl';

const withGithub = (github: Array<{ host: string; apiBaseUrl?: string }>) =>
  new ConfigReader({ integrations: { github } });

describe('sourceWebUrl', () => {
  it('takes the scheme of the host, else of its integration, else https', () => {
    const config = withGithub([
      { host: '127.0.0.1:7010', apiBaseUrl: 'http://127.0.0.1:7010/api/v3' },
      { host: 'ghe.example.com', apiBaseUrl: 'https://ghe.example.com/api/v3' },
    ]);
    expect(sourceWebUrl({ endpoint: '127.0.0.1:7010' }, config)).toBe(
      'http://127.0.0.1:7010',
    );
    expect(sourceWebUrl({ endpoint: 'ghe.example.com' }, config)).toBe(
      'https://ghe.example.com',
    );
    expect(sourceWebUrl({ endpoint: 'github.com' }, config)).toBe(
      'https://github.com',
    );
    expect(sourceWebUrl({ endpoint: 'http://git.local/' }, config)).toBe(
      'http://git.local',
    );
    expect(sourceWebUrl({ endpoint: 'github.com' })).toBe('https://github.com');
  });

  it('prefers the address readProvidersConfig worked out', () => {
    const config = new ConfigReader({
      integrations: {
        github: [
          {
            host: '127.0.0.1:7010',
            apiBaseUrl: 'http://127.0.0.1:7010/api/v3',
          },
        ],
      },
      imageFactory: {
        providers: {
          sources: { local: { type: 'github', host: '127.0.0.1:7010' } },
        },
      },
    });
    const source = readProvidersConfig(config).find(p => p.kind === 'source')!;
    expect(source.webUrl).toBe('http://127.0.0.1:7010');
    // Without the config, as a backend module holding only the provider.
    expect(sourceWebUrl(source)).toBe('http://127.0.0.1:7010');
  });
});
