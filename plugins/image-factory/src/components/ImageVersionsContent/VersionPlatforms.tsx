import { Box, Typography } from '@material-ui/core';
import type { ImageVersionPlatform } from '@image-factory/plugin-image-factory-common';
import { shortDigest } from '../ImageBuildsContent/format';
import { CopyButton } from './CopyButton';
import { formatBytes, pullByDigest } from './versionFormat';

/**
 * Each platform of a version: its `os/arch` as the image config says, the
 * architecture, the compressed size, and the short manifest digest with a
 * button that copies the platform's own pull reference.
 */
export function VersionPlatforms(props: {
  platforms: ImageVersionPlatform[];
  byDigest: string;
}) {
  if (props.platforms.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        not read yet
      </Typography>
    );
  }
  return (
    <Box component="ul" p={0} m={0}>
      {props.platforms.map(p => (
        <Box
          key={p.digest}
          component="li"
          style={{ listStyle: 'none' }}
          aria-label={p.platform}
        >
          <Typography variant="body2" component="span">
            <code>{p.platform}</code> · {p.architecture} · {formatBytes(p.size)}
          </Typography>{' '}
          <Typography variant="caption" color="textSecondary" component="span">
            <code title={p.digest}>{shortDigest(p.digest)}</code>
          </Typography>
          <CopyButton
            text={pullByDigest(props.byDigest, p.digest)}
            label={`Copy pull reference of ${p.platform} by digest`}
          />
          {p.indexPlatform && p.indexPlatform !== p.platform && (
            <Typography variant="caption" color="error" component="div">
              the index says {p.indexPlatform}; the image config wins
            </Typography>
          )}
        </Box>
      ))}
    </Box>
  );
}
