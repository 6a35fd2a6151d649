import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { createValidateImageAction } from './validateImage';
import { examples } from './validateImage.examples';

describe('image-factory:validate examples', () => {
  const expectedReferences = [
    'localhost:5000/apps/hello-web',
    'docker.io/library/debian:bookworm-slim',
  ];

  it('has one expectation per example', () => {
    expect(examples).toHaveLength(expectedReferences.length);
  });

  it.each(examples.map((example, i) => [example.description, i] as const))(
    '%s',
    async (_description, i) => {
      const step = parse(examples[i].example).steps[0];
      expect(step.action).toBe('image-factory:validate');
      const ctx = createMockActionContext({ input: step.input });

      await createValidateImageAction().handler(ctx);

      expect(ctx.output).toHaveBeenCalledWith(
        'reference',
        expectedReferences[i],
      );
      const yamlCall = (ctx.output as jest.Mock).mock.calls.find(
        ([name]) => name === 'yaml',
      );
      expect(parse(yamlCall[1])).toMatchObject(step.input.image);
    },
  );
});
