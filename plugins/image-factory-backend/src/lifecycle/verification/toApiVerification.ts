import { ImageStageVerification } from '@image-factory/plugin-image-factory-common';
import { VerificationRecord } from '../../database';

/** A stored verification as the REST API shows it. */
export function toApiVerification(
  record: VerificationRecord,
): ImageStageVerification {
  return {
    id: record.id,
    stage: record.stage,
    digest: record.digest,
    status: record.status,
    ...(record.requestedBy && { requestedBy: record.requestedBy }),
    results: record.results,
    ...(record.error && { error: record.error }),
    createdAt: record.createdAt.toISOString(),
    ...(record.startedAt && { startedAt: record.startedAt.toISOString() }),
    ...(record.finishedAt && { finishedAt: record.finishedAt.toISOString() }),
  };
}
