import { LoggerService } from '@backstage/backend-plugin-api';
import { formatImagesFileIssue } from '@image-factory/plugin-image-factory-common';
import { ImageEntitiesReadResult } from './readImageEntities';

const NO_PROBLEMS = JSON.stringify([null, []]);

/**
 * Logs the problems of one read of `images.yaml`: an error when the file could
 * not be used at all, else a warning per invalid field. The same problems are
 * logged once, not again on every scheduled read, so that a file read every few
 * seconds does not flood the log; a fixed file is logged as such.
 *
 * @public
 */
export class ImagesFileProblemLogger {
  private lastSignature = '';

  constructor(private readonly logger: LoggerService) {}

  /**
   * Logs the problems of `result`, unless they are the same as those of the
   * previous call. `logger` defaults to the one given to the constructor; pass a
   * child logger to add metadata such as a task id.
   */
  report(result: ImageEntitiesReadResult, logger: LoggerService = this.logger) {
    const signature = JSON.stringify([result.error ?? null, result.issues]);
    if (signature === this.lastSignature) return;
    const hadProblems =
      this.lastSignature !== '' && this.lastSignature !== NO_PROBLEMS;
    this.lastSignature = signature;
    if (result.error) {
      logger.error('Could not read images.yaml; keeping the previous images', {
        location: result.location,
        error: result.error,
        issues: result.issues.map(formatImagesFileIssue),
      });
      return;
    }
    for (const issue of result.issues) {
      logger.warn('Invalid field in images.yaml', {
        location: result.location,
        field: issue.path,
        problem: issue.message,
        ...(issue.entry !== undefined ? { entry: issue.entry } : {}),
        ...(issue.line !== undefined ? { line: issue.line } : {}),
      });
    }
    if (result.issues.length === 0 && hadProblems) {
      logger.info('images.yaml has no problems any more', {
        location: result.location,
      });
    }
  }
}
