import { Box, Chip } from '@material-ui/core';
import type { ImageStage } from '@image-factory/plugin-image-factory-common';

/** `group:default/web` reads `web`; another namespace stays (`ops/web`). */
const shortGroup = (ref: string) =>
  ref.replace(/^group:/i, '').replace(/^default\//, '');

function promotionLabel(stage: ImageStage): string {
  if (stage.promotion !== 'approval') return stage.promotion;
  if (!stage.approvers?.length) return 'approval';
  return `approval by ${stage.approvers.map(shortGroup).join(', ')}`;
}

function chipsOf(stage: ImageStage): Array<{ label: string; title: string }> {
  const chips = [
    {
      label: promotionLabel(stage),
      title: 'How versions enter this stage',
    },
  ];
  if (stage.soak) {
    chips.push({
      label: `soak ${stage.soak}`,
      title: 'Minimum time in the stage before',
    });
  }
  if (stage.checks?.length) {
    chips.push({
      label: `checks: ${stage.checks.join(', ')}`,
      title: 'Must pass for the exact digest before it enters',
    });
  }
  const updates = stage.updates ?? [];
  const repositories = new Set(updates.map(u => u.repository)).size;
  if (repositories > 0) {
    chips.push({
      label: `${repositories} ${
        repositories === 1 ? 'repository' : 'repositories'
      } updated`,
      title: updates.map(u => `${u.repository}: ${u.file}`).join('\n'),
    });
  }
  return chips;
}

/**
 * A stage's policy from images.yaml as chips: how versions enter it (auto,
 * manual, or approval by the approver groups), its soak time, its checks,
 * and how many repositories get a pull request when a version enters.
 */
export function PolicyChips(props: { stage: ImageStage }) {
  const { stage } = props;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={4}
      mt={1}
      aria-label={`Policy of ${stage.name}`}
    >
      {chipsOf(stage).map(chip => (
        <Chip
          key={chip.label}
          size="small"
          variant="outlined"
          label={chip.label}
          title={chip.title}
        />
      ))}
    </Box>
  );
}
