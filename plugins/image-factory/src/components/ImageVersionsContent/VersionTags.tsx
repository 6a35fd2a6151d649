import { Box, Chip, Typography } from '@material-ui/core';
import type { ImageVersionAttachment } from '@image-factory/plugin-image-factory-common';
import { ATTACHMENT_LABELS, isMachineTag, orderTags } from './versionFormat';

const SHOWN_TAGS = 6;

/**
 * A version's tags, semantic versions first; machine tags are greyed. Past
 * a handful the rest are counted, and named in the tooltip.
 */
export function VersionTags(props: { tags: string[] }) {
  const tags = orderTags(props.tags);
  const hidden = tags.slice(SHOWN_TAGS);
  if (tags.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        untagged
      </Typography>
    );
  }
  return (
    <Box display="flex" flexWrap="wrap" gridGap={4} component="ul" p={0} m={0}>
      {tags.slice(0, SHOWN_TAGS).map(tag => (
        <Typography
          key={tag}
          component="li"
          variant="body2"
          color={isMachineTag(tag) ? 'textSecondary' : 'textPrimary'}
          style={{ listStyle: 'none' }}
          title={isMachineTag(tag) ? `${tag} (machine tag)` : tag}
        >
          <code>{tag}</code>
        </Typography>
      ))}
      {hidden.length > 0 && (
        <Typography
          component="li"
          variant="body2"
          color="textSecondary"
          style={{ listStyle: 'none' }}
          title={hidden.join(', ')}
        >
          +{hidden.length} more
        </Typography>
      )}
    </Box>
  );
}

/**
 * Attestations, signatures and referrers of a version as chips, one per
 * kind (with a count), never as platforms.
 */
export function AttachmentChips(props: {
  attachments: ImageVersionAttachment[];
}) {
  const counts = new Map<string, ImageVersionAttachment[]>();
  for (const a of props.attachments) {
    counts.set(a.kind, [...(counts.get(a.kind) ?? []), a]);
  }
  if (counts.size === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" gridGap={4} mt={0.5}>
      {[...counts].map(([kind, items]) => {
        const label = ATTACHMENT_LABELS[kind] ?? kind;
        return (
          <Chip
            key={kind}
            size="small"
            variant="outlined"
            label={items.length > 1 ? `${label} ×${items.length}` : label}
            title={items
              .map(a => `${a.digest} (${a.artifactType ?? a.source})`)
              .join('\n')}
          />
        );
      })}
    </Box>
  );
}
