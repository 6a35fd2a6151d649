import { ReactNode } from 'react';
import { Box, LinearProgress, Typography } from '@material-ui/core';
import type { ImageStageMove } from '@image-factory/plugin-image-factory-common';
import { shortDigest } from '../ImageBuildsContent/format';

function titleOf(move: ImageStageMove, tag: string): string {
  if (move.status === 'pending') return `Moving :${tag}`;
  if (move.waitingFor === 'approval') return 'Waiting for approval';
  return 'Waiting for verification';
}

/**
 * The move of a stage still under way: waiting for its verification (with
 * a progress bar), waiting for an approval (with the Approve and Reject
 * buttons given as children), or moving the stage tag.
 */
export function WaitingMove(props: {
  move: ImageStageMove;
  /** The stage's registry tag. */
  tag: string;
  children?: ReactNode;
}) {
  const { move, tag, children } = props;
  const title = titleOf(move, tag);
  const by = move.trigger === 'auto' ? 'auto' : move.requestedBy;
  return (
    <Box
      mt={2}
      p={1}
      border={1}
      borderColor="divider"
      borderRadius={4}
      aria-label={`${move.stage}: ${title}`}
    >
      <Typography variant="subtitle2">{title}</Typography>
      <Typography variant="body2">
        <code>{shortDigest(move.toDigest)}</code>
        {by ? ` promoted by ${by}` : ''}
      </Typography>
      {move.reason && (
        <Typography variant="body2" color="textSecondary">
          {move.reason}
        </Typography>
      )}
      {move.waitingFor !== 'approval' && <LinearProgress aria-label={title} />}
      {children && (
        <Box mt={1} display="flex" gridGap={8}>
          {children}
        </Box>
      )}
    </Box>
  );
}
