import { LoggerService } from '@backstage/backend-plugin-api';
import { ImagesFileProblemLogger } from './logImagesFileProblems';
import { ImageEntitiesReadResult } from './readImageEntities';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; meta?: unknown }> = [];
  const logger: LoggerService = {
    error: (message, meta) => lines.push({ level: 'error', message, meta }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta }),
    info: (message, meta) => lines.push({ level: 'info', message, meta }),
    debug: (message, meta) => lines.push({ level: 'debug', message, meta }),
    child: () => logger,
  };
  return { logger, lines };
}

const read = (
  over: Partial<ImageEntitiesReadResult>,
): ImageEntitiesReadResult => ({
  location: '/srv/images.yaml',
  entities: [],
  issues: [],
  ...over,
});
const issue = {
  path: 'images[2].source.dockerfile',
  message: 'must be a relative path inside the repository',
  entry: 'web',
  line: 14,
};

describe('ImagesFileProblemLogger', () => {
  it('warns once per invalid field, not again on every read', () => {
    const { logger, lines } = recordingLogger();
    const problems = new ImagesFileProblemLogger(logger);
    problems.report(read({ issues: [issue] }));
    problems.report(read({ issues: [issue] }));
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'Invalid field in images.yaml',
        meta: {
          location: '/srv/images.yaml',
          field: 'images[2].source.dockerfile',
          problem: 'must be a relative path inside the repository',
          entry: 'web',
          line: 14,
        },
      },
    ]);
  });

  it('logs an unusable file as an error, and says when the problems are gone', () => {
    const { logger, lines } = recordingLogger();
    const problems = new ImagesFileProblemLogger(logger);
    problems.report(read({}));
    expect(lines).toEqual([]);
    problems.report(read({ error: 'could not be parsed: invalid YAML' }));
    problems.report(read({}));
    expect(lines.map(l => [l.level, l.message])).toEqual([
      ['error', 'Could not read images.yaml; keeping the previous images'],
      ['info', 'images.yaml has no problems any more'],
    ]);
  });
});
