import { stringify } from 'yaml';
import { parseImagesFile } from './parseImagesFile';
import { parseRebuildSchedule } from './rebuildSchedule';

const entry = (rebuild: unknown) => ({
  name: 'app',
  type: 'managed',
  owner: 'team-web',
  reference: 'localhost:5000/apps/app:1',
  source: { repo: 'acme/app' },
  rebuild,
});

const parse = (rebuild: unknown) =>
  parseImagesFile(
    stringify({
      apiVersion: 'imagefactory.dev/v1alpha1',
      images: [entry({}), entry(rebuild)].map((e, i) => ({
        ...e,
        name: `app-${i}`,
      })),
    }),
  );

describe('rebuild.schedule', () => {
  it.each([
    ['hourly', 3_600_000],
    ['daily', 86_400_000],
    ['weekly', 604_800_000],
    ['7d', 604_800_000],
    ['12h', 43_200_000],
    ['1h30m', 5_400_000],
    ['off', null],
  ])('reads %s', (text, ms) => {
    expect(parseRebuildSchedule(text)).toBe(ms);
    const result = parse({ schedule: text });
    expect(result.issues).toEqual([]);
    expect(result.images[1].rebuild?.schedule).toBe(text);
  });

  it.each(['monthly', 'every week', '30m', '0s', '', 'P7D'])(
    "refuses '%s', naming the field",
    text => {
      expect(parseRebuildSchedule(text)).toBeUndefined();
      const result = parse({ schedule: text });
      expect(result.issues).toEqual([
        expect.objectContaining({
          path: 'images[1].rebuild.schedule',
          message: expect.stringContaining(
            "must be 'hourly', 'daily', 'weekly', 'off' or a duration of at least 1h",
          ),
        }),
      ]);
      // The good entry stays.
      expect(result.images.map(i => i.name)).toEqual(['app-0']);
    },
  );
});
