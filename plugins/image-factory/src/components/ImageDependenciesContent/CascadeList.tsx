import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  CascadePredictionResponse,
  CascadeStepInfo,
  DependencyGraphResponse,
} from '@image-factory/plugin-image-factory-common';
import { nodeLabel } from './graphModel';

function Step(props: {
  step: CascadeStepInfo;
  graph: DependencyGraphResponse;
  n?: number;
}) {
  const { step, graph, n } = props;
  return (
    <ListItem dense disableGutters>
      <ListItemText
        primary={
          <>
            {n !== undefined && `${n}. `}
            <EntityRefLink entityRef={step.entityRef} defaultKind="image" />
          </>
        }
        secondary={`depth ${step.depth} · via ${step.via
          .map(id => nodeLabel(graph, id))
          .join(' → ')}`}
      />
    </ListItem>
  );
}

/** The rebuilds a new digest of the selected node leads to, in order. */
export function CascadeList(props: {
  graph: DependencyGraphResponse;
  cascade?: CascadePredictionResponse;
  loading: boolean;
}) {
  const { graph, cascade, loading } = props;
  if (!cascade) {
    return (
      <Typography variant="body2" color="textSecondary">
        {loading
          ? 'Predicting the cascade…'
          : 'Click a node to see what a new digest of it would rebuild.'}
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="subtitle2">
        A new digest of <code>{nodeLabel(graph, cascade.node)}</code> rebuilds
      </Typography>
      {cascade.rebuilds.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          nothing: no image is built FROM it.
        </Typography>
      ) : (
        <List dense aria-label="Predicted rebuilds">
          {cascade.rebuilds.map((step, i) => (
            <Step key={step.entityRef} step={step} graph={graph} n={i + 1} />
          ))}
        </List>
      )}
      {cascade.cut.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Beyond the depth cap (not rebuilt automatically)
          </Typography>
          <List dense aria-label="Cut by the depth cap">
            {cascade.cut.map(step => (
              <Step key={step.entityRef} step={step} graph={graph} />
            ))}
          </List>
        </>
      )}
    </>
  );
}
