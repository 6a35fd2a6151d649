import { Box, Checkbox, Tooltip, Typography } from '@material-ui/core';
import { Link, Table, TableColumn } from '@backstage/core-components';
import type { ImageVersion } from '@image-factory/plugin-image-factory-common';
import { relativeTime, shortDigest, when } from '../ImageBuildsContent/format';
import { CopyButton } from './CopyButton';
import { VersionBuild } from './VersionBuild';
import { VersionPlatforms } from './VersionPlatforms';
import { AttachmentChips, VersionTags } from './VersionTags';
import { formatBytes, orderTags } from './versionFormat';
import { useVersionLinks } from './versionLinks';

/** A version's name for people: its first tag, else its short digest. */
export const versionLabel = (version: ImageVersion) =>
  orderTags(version.tags)[0] ?? shortDigest(version.digest);

function Version(props: { version: ImageVersion }) {
  const { version } = props;
  return (
    <Box>
      <VersionTags tags={version.tags} />
      <Typography variant="caption" color="textSecondary" component="div">
        <code title={version.digest}>{shortDigest(version.digest)}</code>
      </Typography>
      <Box display="flex" flexWrap="wrap" alignItems="center">
        <CopyButton
          text={version.pull.byDigest}
          label={`Copy pull reference of ${versionLabel(version)} by digest`}
        >
          by digest
        </CopyButton>
        {version.pull.byTag && (
          <CopyButton
            text={version.pull.byTag}
            label={`Copy pull reference of ${versionLabel(version)} by tag`}
          >
            by tag
          </CopyButton>
        )}
        {version.webUrl && (
          <Link to={version.webUrl} target="_blank" rel="noopener">
            registry page
          </Link>
        )}
      </Box>
      <AttachmentChips attachments={version.attachments} />
      {version.partial && (
        <Typography variant="caption" color="textSecondary">
          details not read yet (registry busy or unreachable)
        </Typography>
      )}
    </Box>
  );
}

/**
 * One page of versions, one row each, with a checkbox to pick two for a
 * comparison.
 */
export function VersionsTable(props: {
  versions: ImageVersion[];
  links: ReturnType<typeof useVersionLinks>;
  selected: string[];
  onToggle: (version: ImageVersion) => void;
  loading?: boolean;
  title: string;
}) {
  const { versions, links, selected, onToggle } = props;
  const columns: TableColumn<ImageVersion>[] = [
    {
      title: 'Compare',
      sorting: false,
      width: '48px',
      render: v => {
        const checked = selected.includes(v.digest);
        return (
          <Checkbox
            checked={checked}
            disabled={!checked && selected.length >= 2}
            onChange={() => onToggle(v)}
            inputProps={{ 'aria-label': `Select ${versionLabel(v)}` }}
          />
        );
      },
    },
    {
      title: 'Version',
      sorting: false,
      render: v => <Version version={v} />,
    },
    {
      title: 'Created',
      sorting: false,
      render: v =>
        v.createdAt ? (
          <Tooltip title={when(v.createdAt)}>
            <time dateTime={v.createdAt}>{relativeTime(v.createdAt)}</time>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: 'Size',
      sorting: false,
      render: v => formatBytes(v.partial && v.size === 0 ? undefined : v.size),
    },
    {
      title: 'Platforms',
      sorting: false,
      render: v => (
        <VersionPlatforms platforms={v.platforms} byDigest={v.pull.byDigest} />
      ),
    },
    {
      title: 'Built',
      sorting: false,
      render: v => <VersionBuild version={v} links={links} />,
    },
  ];
  return (
    <Table<ImageVersion>
      title={props.title}
      columns={columns}
      data={versions}
      isLoading={props.loading}
      options={{
        paging: false,
        search: false,
        sorting: false,
        padding: 'dense',
        draggable: false,
      }}
    />
  );
}
