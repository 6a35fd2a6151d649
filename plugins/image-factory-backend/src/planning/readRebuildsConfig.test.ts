import { ConfigReader } from '@backstage/config';
import { readRebuildsConfig } from './readRebuildsConfig';

const read = (rebuilds?: object) =>
  readRebuildsConfig(
    new ConfigReader(rebuilds ? { imageFactory: { rebuilds } } : {}),
  );

describe('readRebuildsConfig', () => {
  it('builds on first sight and config changes, with no default schedule, unless told', () => {
    expect(read()).toMatchObject({
      automaticBuilds: true,
      defaultScheduleMs: null,
    });
    expect(
      read({ automaticBuilds: false, defaultSchedule: 'weekly' }),
    ).toMatchObject({
      automaticBuilds: false,
      defaultScheduleMs: 7 * 24 * 60 * 60 * 1000,
    });
    expect(read({ defaultSchedule: '12h' }).defaultScheduleMs).toBe(
      12 * 60 * 60 * 1000,
    );
    expect(read({ defaultSchedule: 'off' }).defaultScheduleMs).toBeNull();
  });

  it.each(['fortnightly', '5m'])(
    "stops startup on defaultSchedule '%s', naming the key",
    text => {
      expect(() => read({ defaultSchedule: text })).toThrow(
        `imageFactory.rebuilds.defaultSchedule: must be 'hourly', 'daily', 'weekly', 'off' or a duration of at least 1h such as '12h' or '7d', got '${text}'`,
      );
    },
  );
});
