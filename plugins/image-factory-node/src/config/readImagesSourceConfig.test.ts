import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  DEFAULT_IMAGES_LOCATION,
  DEFAULT_IMAGES_SCHEDULE,
  DEFAULT_PROVIDER_OWNER,
  readImagesSourceConfig,
} from './readImagesSourceConfig';

function read(imageFactory: JsonObject) {
  return readImagesSourceConfig(new ConfigReader({ imageFactory }));
}

describe('readImagesSourceConfig', () => {
  it('uses the defaults with no config', () => {
    expect(readImagesSourceConfig(new ConfigReader({}))).toEqual({
      location: DEFAULT_IMAGES_LOCATION,
      schedule: DEFAULT_IMAGES_SCHEDULE,
      providerOwner: DEFAULT_PROVIDER_OWNER,
    });
    expect(DEFAULT_IMAGES_LOCATION).toBe('images.yaml');
    expect(DEFAULT_PROVIDER_OWNER).toBe('group:default/platform-team');
    expect(DEFAULT_IMAGES_SCHEDULE).toMatchObject({
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
    });
  });

  it('reads the location, the schedule and the provider owner', () => {
    expect(
      read({
        images: {
          location: 'https://github.com/acme/config/blob/main/images.yaml',
          schedule: {
            frequency: { seconds: 10 },
            timeout: '30s',
            initialDelay: { seconds: 0 },
            scope: 'local',
          },
        },
        providerOwner: 'group:infra/builders',
      }),
    ).toEqual({
      location: 'https://github.com/acme/config/blob/main/images.yaml',
      schedule: {
        frequency: { seconds: 10 },
        timeout: { seconds: 30 },
        initialDelay: { seconds: 0 },
        scope: 'local',
      },
      providerOwner: 'group:infra/builders',
    });
  });

  it('keeps the default schedule when only the location is set', () => {
    expect(read({ images: { location: 'config/images.yaml' } })).toEqual({
      location: 'config/images.yaml',
      schedule: DEFAULT_IMAGES_SCHEDULE,
      providerOwner: DEFAULT_PROVIDER_OWNER,
    });
  });

  it('accepts a cron schedule', () => {
    expect(
      read({
        images: {
          schedule: { frequency: { cron: '*/5 * * * *' }, timeout: '1m' },
        },
      }).schedule,
    ).toEqual({
      frequency: { cron: '*/5 * * * *' },
      timeout: { minutes: 1 },
      initialDelay: undefined,
      scope: undefined,
    });
  });

  it('completes a short provider owner to a full entity reference', () => {
    expect(read({ providerOwner: 'builders' }).providerOwner).toBe(
      'group:default/builders',
    );
    expect(read({ providerOwner: 'user:jdoe' }).providerOwner).toBe(
      'user:default/jdoe',
    );
  });

  it('names the schedule key when the schedule is invalid', () => {
    expect(() =>
      read({ images: { schedule: { frequency: 'often', timeout: '1m' } } }),
    ).toThrow(
      /^imageFactory\.images\.schedule: is not a valid schedule; caused by .*frequency/,
    );
    expect(() =>
      read({
        images: {
          schedule: { frequency: '1m', timeout: '1m', scope: 'cluster' },
        },
      }),
    ).toThrow(
      /^imageFactory\.images\.schedule: is not a valid schedule; caused by .*cluster/,
    );
  });

  it.each(['a:b:c', 'group:', 'team web'])(
    'names the key when the provider owner %p is not an entity reference',
    owner => {
      expect(() => read({ providerOwner: owner })).toThrow(
        `imageFactory.providerOwner: must be an entity reference such as 'group:default/platform-team', got '${owner}'`,
      );
    },
  );
});
