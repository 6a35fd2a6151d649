import type { ReactNode } from 'react';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import type {
  ImageVersion,
  ImageVersionComparison,
  ImageVersionPlatformChange,
} from '@image-factory/plugin-image-factory-common';
import { useImageVersionComparison } from '../../hooks/useImageVersionComparison';
import { shortDigest, shortRevision } from '../ImageBuildsContent/format';
import { formatBytes } from './versionFormat';
import { versionLabel } from './VersionsTable';

const CHANGE_LABELS: Record<ImageVersionPlatformChange['change'], string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  same: 'same',
};

const short = (digest?: string) =>
  digest ? <code title={digest}>{shortDigest(digest)}</code> : '—';

/** `a → b`, a dash for a side that has none. */
function FromTo(props: { from?: ReactNode; to?: ReactNode }) {
  return (
    <>
      {props.from ?? '—'} → {props.to ?? '—'}
    </>
  );
}

function Section(props: {
  title: string;
  head: string[];
  children: ReactNode;
  empty?: string;
}) {
  return (
    <Box mt={3}>
      <Typography variant="h6">{props.title}</Typography>
      {props.empty ? (
        <Typography variant="body2" color="textSecondary">
          {props.empty}
        </Typography>
      ) : (
        <Table size="small" aria-label={props.title}>
          <TableHead>
            <TableRow>
              {props.head.map(h => (
                <TableCell key={h}>{h}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>{props.children}</TableBody>
        </Table>
      )}
    </Box>
  );
}

const layerSum = (layers: Array<{ size: number }>) =>
  layers.reduce((sum, l) => sum + l.size, 0);

/** The comparison: the summary first, then platforms, bases, build args and source. */
export function VersionComparison(props: {
  comparison: ImageVersionComparison;
}) {
  const { comparison } = props;
  const revision = comparison.sourceRevision;
  return (
    <>
      <Typography variant="subtitle1" component="p" aria-label="Summary">
        <strong>{comparison.summary}</strong>
      </Typography>
      <Section
        title="Platforms"
        head={['Platform', 'Change', 'Size', 'Layers', 'Digest']}
      >
        {comparison.platforms.map(p => (
          <TableRow key={p.platform}>
            <TableCell>
              <code>{p.platform}</code>
            </TableCell>
            <TableCell>{CHANGE_LABELS[p.change]}</TableCell>
            <TableCell>
              <FromTo
                from={
                  p.fromSize === undefined ? undefined : formatBytes(p.fromSize)
                }
                to={p.toSize === undefined ? undefined : formatBytes(p.toSize)}
              />
            </TableCell>
            <TableCell>
              {`+${p.layersAdded.length} (${formatBytes(
                layerSum(p.layersAdded),
              )}), −${p.layersRemoved.length} (${formatBytes(
                layerSum(p.layersRemoved),
              )}), ${p.layersShared} shared`}
            </TableCell>
            <TableCell>
              <FromTo from={short(p.fromDigest)} to={short(p.toDigest)} />
            </TableCell>
          </TableRow>
        ))}
      </Section>
      <Section
        title="Bases"
        head={['Base', 'Digest']}
        empty={
          comparison.bases.length === 0
            ? 'No base recorded for either version.'
            : undefined
        }
      >
        {comparison.bases.map(b => (
          <TableRow key={b.reference}>
            <TableCell>
              <code>{b.reference}</code>
            </TableCell>
            <TableCell>
              {b.from === b.to ? (
                <>unchanged {short(b.to)}</>
              ) : (
                <FromTo from={short(b.from)} to={short(b.to)} />
              )}
            </TableCell>
          </TableRow>
        ))}
      </Section>
      <Section
        title="Build args"
        head={['Name', 'Value']}
        empty={
          comparison.buildArgs.length === 0
            ? 'No build arg changed.'
            : undefined
        }
      >
        {comparison.buildArgs.map(a => (
          <TableRow key={a.name}>
            <TableCell>
              <code>{a.name}</code>
            </TableCell>
            <TableCell>
              <FromTo from={a.from} to={a.to} />
            </TableCell>
          </TableRow>
        ))}
      </Section>
      <Box mt={3}>
        <Typography variant="h6">Source revision</Typography>
        <Typography variant="body2" aria-label="Source revision">
          {revision && (revision.from || revision.to) ? (
            <FromTo
              from={
                revision.from && <code>{shortRevision(revision.from)}</code>
              }
              to={revision.to && <code>{shortRevision(revision.to)}</code>}
            />
          ) : (
            'not recorded'
          )}
        </Typography>
      </Box>
    </>
  );
}

/**
 * Compares two versions, the older as `from`: why the newer one exists, its
 * platforms (sizes and layers), bases, build args and source revision.
 */
export function CompareVersionsDialog(props: {
  imageName: string;
  versions: [ImageVersion, ImageVersion];
  onClose: () => void;
}) {
  // The older one first: by when the factory built it, else by the image's
  // `created` (which a reproducible or cached build may share with others).
  const age = (v: ImageVersion) => v.build?.finishedAt ?? v.createdAt ?? '';
  const [from, to] = [...props.versions].sort((a, b) =>
    age(a).localeCompare(age(b)),
  );
  const { comparison, error } = useImageVersionComparison(
    props.imageName,
    from.digest,
    to.digest,
  );
  const title = `Compare ${versionLabel(from)} → ${versionLabel(to)}`;
  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth="lg"
      fullWidth
      aria-label={title}
    >
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {error && (
          <ResponseErrorPanel
            error={error}
            title="Could not compare the versions"
          />
        )}
        {!error && !comparison && <Progress />}
        {comparison && <VersionComparison comparison={comparison} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
