import { ReactNode } from 'react';
import { Box, Card, CardContent, Typography } from '@material-ui/core';
import type { ImageStage } from '@image-factory/plugin-image-factory-common';
import { CopyableCode } from '../ImageBuildsContent/Digest';
import { shortDigest, when } from '../ImageBuildsContent/format';
import { PolicyChips } from './PolicyChips';

/**
 * One stage of the freight line: its policy, the digest it holds (copyable
 * as `registry/repository@digest`), when and by whom it changed, what it
 * held before, its buttons, and the move under way into it.
 */
export function StageColumn(props: {
  stage: ImageStage;
  /** `registry/repository`, to copy a pullable reference. */
  repository: string;
  /** The move under way, if any. */
  underWay?: ReactNode;
  children: ReactNode;
}) {
  const { stage, repository, underWay, children } = props;
  return (
    <Card
      variant="outlined"
      component="section"
      aria-label={`Stage ${stage.name}`}
      style={{ minWidth: 260, flex: '1 1 0' }}
    >
      <CardContent>
        <Typography variant="h6">{stage.name}</Typography>
        <Typography variant="caption" color="textSecondary">
          tag :{stage.tag}
        </Typography>
        <PolicyChips stage={stage} />
        <Box mt={1}>
          {stage.digest ? (
            <CopyableCode
              value={`${repository}@${stage.digest}`}
              short={shortDigest(stage.digest)}
              label={`${stage.name} reference`}
            />
          ) : (
            <Typography variant="body2" color="textSecondary">
              Nothing promoted yet
            </Typography>
          )}
        </Box>
        {stage.updatedAt && (
          <Typography variant="body2" color="textSecondary">
            {when(stage.updatedAt)}
            {stage.updatedBy ? ` by ${stage.updatedBy}` : ''}
          </Typography>
        )}
        {stage.previousDigest && (
          <Typography variant="body2" color="textSecondary">
            Before: <code>{shortDigest(stage.previousDigest)}</code>
          </Typography>
        )}
        <Box mt={2} display="flex" flexWrap="wrap" gridGap={8}>
          {children}
        </Box>
        {underWay}
      </CardContent>
    </Card>
  );
}
