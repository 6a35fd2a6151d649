import { Typography } from '@material-ui/core';
import { WarningPanel } from '@backstage/core-components';
import type { ImageVersionSource } from '@image-factory/plugin-image-factory-common';
import { relativeTime, when } from '../ImageBuildsContent/format';

const asOf = (source: ImageVersionSource) =>
  source.listedAt
    ? `showing versions as of ${when(source.listedAt)}`
    : 'no versions listed yet';

/**
 * Where the list comes from when it is not fresh: a stale list is shown
 * while the backend lists the registry again; an unreachable registry shows
 * the last list it gave, with why it fails. A fresh list gets a quiet line.
 */
export function SourceBanner(props: { source: ImageVersionSource }) {
  const { source } = props;
  const where = `${source.registry}/${source.repository}`;
  if (source.state === 'unreachable') {
    return (
      <WarningPanel
        severity="warning"
        title={`Registry unreachable${
          source.unreachableSince
            ? ` since ${when(source.unreachableSince)}`
            : ''
        }, ${asOf(source)}`}
        message={
          <>
            {where} ({source.adapter}) did not answer the last listing
            {source.error ? `: ${source.error}` : '.'} The factory tries again
            on its own; Refresh tries now.
          </>
        }
      />
    );
  }
  if (source.state === 'stale') {
    return (
      <WarningPanel
        severity="info"
        title={
          source.listedAt
            ? `Showing versions as of ${when(source.listedAt)}, refreshing`
            : 'Listing the registry, refreshing'
        }
        message={`The list of ${where} is older than the cache time; the factory lists it again in the background.`}
      />
    );
  }
  return (
    <Typography variant="caption" color="textSecondary">
      {where}, listed {relativeTime(source.listedAt)} by the {source.adapter}{' '}
      adapter
    </Typography>
  );
}
