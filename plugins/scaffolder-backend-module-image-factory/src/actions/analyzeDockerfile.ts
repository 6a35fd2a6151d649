import {
  AuthService,
  DiscoveryService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  AnalyzeDockerfileRequest,
  DockerfileAnalysis,
} from '@image-factory/plugin-image-factory-common';
import { promises as fs } from 'fs';
import { examples } from './analyzeDockerfile.examples';

/**
 * `image-factory:analyze`: finds the base images of a Dockerfile in the
 * template's workspace (for example after `fetch:plain`), through the Image
 * Factory backend's `POST /analyses`, so a template can show them or refuse a
 * Dockerfile whose bases cannot be resolved.
 *
 * @public
 */
export function createAnalyzeDockerfileAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'image-factory:analyze',
    description:
      'Lists the base images of a Dockerfile in the workspace (FROM, COPY --from, RUN --mount from=), with ARGs substituted.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .default('Dockerfile')
            .describe('Path of the Dockerfile inside the workspace.'),
        buildArgs: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe('Build arguments, which override ARG defaults.'),
        platform: z =>
          z
            .string()
            .optional()
            .describe(
              'Target platform for TARGET* arguments, e.g. linux/s390x.',
            ),
        failOnError: z =>
          z
            .boolean()
            .default(true)
            .describe('Fail the step when a base image cannot be resolved.'),
      },
      output: {
        bases: z =>
          z
            .array(z.string())
            .describe(
              'Canonical references of the base images, in order of first use.',
            ),
        analysis: z =>
          z
            .record(z.string(), z.unknown())
            .describe(
              'The whole analysis: bases with lines and stages, stages, errors, warnings.',
            ),
      },
    },
    async handler(ctx) {
      const file = resolveSafeChildPath(ctx.workspacePath, ctx.input.path);
      let dockerfile: string;
      try {
        dockerfile = await fs.readFile(file, 'utf8');
      } catch (e) {
        throw new InputError(
          `path: cannot read '${ctx.input.path}' in the workspace (${
            (e as NodeJS.ErrnoException).code ?? e
          })`,
        );
      }

      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'image-factory',
      });
      const body: AnalyzeDockerfileRequest = {
        dockerfile,
        file: ctx.input.path,
        ...(ctx.input.buildArgs ? { buildArgs: ctx.input.buildArgs } : {}),
        ...(ctx.input.platform ? { platform: ctx.input.platform } : {}),
      };
      const response = await fetch(
        `${await discovery.getBaseUrl('image-factory')}/analyses`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${token}`,
          },
          body: JSON.stringify(body),
        },
      );
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const analysis = (await response.json()) as DockerfileAnalysis;

      for (const warning of analysis.warnings) {
        ctx.logger.warn(warning.message);
      }
      if (analysis.errors.length > 0 && ctx.input.failOnError) {
        throw new InputError(analysis.errors.map(e => e.message).join('; '));
      }
      const bases = analysis.bases.map(base => base.reference);
      ctx.logger.info(
        `Found ${bases.length} base image(s) in ${ctx.input.path}`,
      );
      ctx.output('bases', bases);
      ctx.output('analysis', analysis as unknown as Record<string, unknown>);
    },
  });
}
