import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  formatImagesFileIssue,
  normalizeImageRef,
  parseImagesFile,
} from '@image-factory/plugin-image-factory-common';
import { stringify } from 'yaml';
import { examples } from './validateImage.examples';
import { ENTRY_FIELDS } from './entryInput';

/**
 * `image-factory:validate`: checks an `images.yaml` entry with the same rules the
 * factory applies, so a template fails early with the field named, and renders
 * the entry as YAML for the next steps (for example a pull request).
 *
 * @public
 */
export function createValidateImageAction() {
  return createTemplateAction({
    id: 'image-factory:validate',
    description:
      'Validates an Image Factory images.yaml entry and returns its canonical reference and YAML.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        image: z =>
          z
            .record(z.string(), z.unknown())
            .describe(`The images.yaml entry: ${ENTRY_FIELDS.join(', ')}.`),
      },
      output: {
        reference: z =>
          z
            .string()
            .describe(
              'Canonical image reference, e.g. docker.io/library/nginx:1.27',
            ),
        yaml: z =>
          z
            .string()
            .describe(
              'The validated entry rendered as YAML, with defaults applied',
            ),
      },
    },
    async handler(ctx) {
      // Validate through the file parser, so the rules and messages are exactly
      // those the catalog and backend apply to images.yaml.
      const result = parseImagesFile(stringify({ images: [ctx.input.image] }));
      if (result.issues.length > 0 || result.images.length !== 1) {
        // The parser names fields from the file's root (`images[0].source`); here
        // the entry is the `image` input. Keys that need quoting stay bracketed.
        const message = result.issues
          .map(issue =>
            formatImagesFileIssue({
              ...issue,
              path: issue.path.replace(/^images\[0\]/, 'image'),
              line: undefined,
            }),
          )
          .join('; ');
        throw new InputError(`Invalid image: ${message}`);
      }
      const [image] = result.images;
      const reference = normalizeImageRef(image.reference);
      ctx.logger.info('Image entry is valid', { name: image.name, reference });
      ctx.output('reference', reference);
      ctx.output('yaml', stringify(image));
    },
  });
}
