import { imageEntity } from '../builds/__testUtils__/imageEntity';
import {
  isImageOwnerRule,
  isStageRule,
  resolveStageResource,
} from './stageResource';

describe('the stage resource of permission policies', () => {
  const web = imageEntity({
    name: 'web',
    registry: '127.0.0.1:5000',
    repository: 'apps/web',
    platforms: ['linux/amd64'],
  });
  web.spec.owner = 'team-web';
  web.spec.stages = ['dev', 'staging', 'prod'];
  const find = (name: string) => (name === 'web' ? web : undefined);

  it('reads a stage resource ref back into the stage of a known image, with its owner as an entity ref', () => {
    expect(resolveStageResource('image:default/web/prod', find)).toEqual({
      imageRef: 'image:default/web',
      stage: 'prod',
      owner: 'group:default/team-web',
    });
    for (const ref of [
      'image:default/web/qa', // no such stage
      'image:default/api/prod', // no such image
      'component:default/web/prod', // not an Image
      'prod',
      '',
    ]) {
      expect(resolveStageResource(ref, find)).toBeUndefined();
    }
  });

  it('IS_STAGE allows the stages named, IS_IMAGE_OWNER the owners named', () => {
    const prod = resolveStageResource('image:default/web/prod', find)!;
    const dev = resolveStageResource('image:default/web/dev', find)!;
    const lower = { stages: ['dev', 'staging'] };
    expect(isStageRule.apply(dev, lower)).toBe(true);
    expect(isStageRule.apply(prod, lower)).toBe(false);
    expect(
      isImageOwnerRule.apply(prod, {
        claims: ['user:default/alice', 'group:default/team-web'],
      }),
    ).toBe(true);
    expect(
      isImageOwnerRule.apply(prod, { claims: ['group:default/other'] }),
    ).toBe(false);
  });
});
