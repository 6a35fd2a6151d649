import { Box, Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import type {
  ImageVersion,
  ImageVersionLineage,
} from '@image-factory/plugin-image-factory-common';
import {
  CAUSE_LABELS,
  relativeTime,
  shortDigest,
  shortRevision,
  when,
} from '../ImageBuildsContent/format';
import { useVersionLinks } from './versionLinks';

type Links = ReturnType<typeof useVersionLinks>;

/** How far a base is behind its newest digest, in words. */
function behind(lineage: ImageVersionLineage): string {
  if (lineage.versionsBehind === undefined) return '';
  if (lineage.versionsBehind === 0) return ', its newest';
  return `, ${lineage.versionsBehind} ${
    lineage.versionsBehind === 1 ? 'version' : 'versions'
  } behind its newest`;
}

/** `built on busybox-base@sha256:0b0b…, 3 versions behind its newest`. */
export function LineageLine(props: {
  lineage: ImageVersionLineage;
  links: Links;
}) {
  const { lineage, links } = props;
  const href = links.base(lineage);
  const name = lineage.imageName ?? lineage.reference;
  return (
    <Typography variant="body2" component="div">
      built on {href ? <Link to={href}>{name}</Link> : <code>{name}</code>}
      <code title={lineage.digest}>@{shortDigest(lineage.digest)}</code>
      {behind(lineage)}
    </Typography>
  );
}

/**
 * Why a version exists, when the factory built it: the run (a link to the
 * Builds tab), its cause, the source revision and the bases it was built
 * FROM.
 */
export function VersionBuild(props: { version: ImageVersion; links: Links }) {
  const { version, links } = props;
  const { build, lineage = [] } = version;
  if (!build && lineage.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        not built by the factory
      </Typography>
    );
  }
  return (
    <Box>
      {build && (
        <Typography variant="body2" component="div">
          <Link to={links.run(build.runId)}>
            {CAUSE_LABELS[build.cause] ?? build.cause} run
          </Link>
          {build.sourceRevision && (
            <>
              {' '}
              at{' '}
              <code title={build.sourceRevision}>
                {shortRevision(build.sourceRevision)}
              </code>
            </>
          )}
          {build.finishedAt && (
            <>
              {', '}
              <time dateTime={build.finishedAt} title={when(build.finishedAt)}>
                {relativeTime(build.finishedAt)}
              </time>
            </>
          )}
          {build.causeDetail && (
            <Typography variant="caption" color="textSecondary" component="div">
              {build.causeDetail}
            </Typography>
          )}
        </Typography>
      )}
      {lineage.map(l => (
        <LineageLine
          key={`${l.reference}@${l.digest}`}
          lineage={l}
          links={links}
        />
      ))}
    </Box>
  );
}
