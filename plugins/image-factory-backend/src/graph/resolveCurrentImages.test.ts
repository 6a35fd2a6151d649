import { imageEntity } from '../builds/__testUtils__/imageEntity';
import { ResolveSummary } from './ImageBasesResolver';
import { resolveCurrentImages } from './resolveCurrentImages';

describe('resolveCurrentImages', () => {
  const image = (name: string) =>
    imageEntity({
      name,
      registry: 'registry.example.com',
      repository: `apps/${name}`,
      platforms: ['linux/amd64'],
    });

  /** images.yaml as read: a revision and its images, changed by `read`. */
  function imagesFile(names: string[]) {
    let revision = 1;
    let images = names.map(image);
    return {
      getImages: () => images,
      getRevision: () => `sha256:${revision}`,
      read(more: string[]) {
        revision++;
        images = more.map(image);
      },
    };
  }

  it('resolves the current images once when images.yaml does not change meanwhile', async () => {
    const file = imagesFile(['web']);
    const passes: string[][] = [];
    const summary = await resolveCurrentImages(
      {
        resolve: async images => {
          passes.push(images.map(i => i.metadata.name));
          return { analyzed: ['image:default/web'], unchanged: [], failed: [] };
        },
      },
      file,
    );
    expect(passes).toEqual([['web']]);
    expect(summary.analyzed).toEqual(['image:default/web']);
  });

  it('resolves a revision read during the pass too, so its new images do not wait for the schedule', async () => {
    const file = imagesFile(['web']);
    const passes: string[][] = [];
    const summary = await resolveCurrentImages(
      {
        resolve: async images => {
          const names = images.map(i => i.metadata.name);
          passes.push(names);
          // The first pass is where the new revision arrives.
          if (passes.length === 1) file.read(['web', 'api']);
          const result: ResolveSummary = {
            analyzed: names
              .filter(n => passes.length === 1 || n === 'api')
              .map(n => `image:default/${n}`),
            unchanged: passes.length > 1 ? ['image:default/web'] : [],
            failed: [],
          };
          return result;
        },
      },
      file,
    );
    expect(passes).toEqual([['web'], ['web', 'api']]);
    expect(summary).toEqual({
      analyzed: ['image:default/web', 'image:default/api'],
      unchanged: ['image:default/web'],
      failed: [],
    });
  });

  it('stops after three passes when images.yaml keeps changing', async () => {
    const file = imagesFile(['web']);
    let passes = 0;
    await resolveCurrentImages(
      {
        resolve: async () => {
          passes++;
          file.read(['web']);
          return { analyzed: [], unchanged: [], failed: [] };
        },
      },
      file,
    );
    expect(passes).toBe(3);
  });
});
