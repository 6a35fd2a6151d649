import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import {
  ImageFactoryUnderTest,
  OWNER,
  REPO,
  startImageFactory,
} from '../__testUtils__/startImageFactory';
import { createEnrollWheelSetAction } from './enrollWheelSet';
import { examples } from './enrollWheelSet.examples';

jest.setTimeout(60_000);

describe('image-factory:enroll-wheel-set examples', () => {
  let factory: ImageFactoryUnderTest;

  beforeAll(async () => {
    factory = await startImageFactory({ wheelSets: true });
  });
  afterAll(() => factory?.stop());

  it.each(examples.map(example => [example.description, example] as const))(
    '%s',
    async (_description, example) => {
      const step = parse(example.example).steps[0];
      expect(step.action).toBe('image-factory:enroll-wheel-set');
      const ctx = {
        ...createMockActionContext({ input: step.input }),
        getInitiatorCredentials: async () =>
          mockCredentials.user('user:default/jane'),
      };

      await createEnrollWheelSetAction({
        discovery: factory.discovery,
        auth: mockServices.auth(),
      }).handler(ctx);

      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        expect.stringContaining(`/${OWNER}/${REPO}/pull/`),
      );
      expect(ctx.output).toHaveBeenCalledWith('reused', false);
    },
  );

  it('made only requests that GitHub accepts', () => {
    expect(factory.github.violations()).toEqual([]);
  });
});
