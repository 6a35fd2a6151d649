import { useMemo, useState } from 'react';
import {
  Box,
  FormControlLabel,
  Grid,
  Switch,
  Typography,
} from '@material-ui/core';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DependencyGraphResponse,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import { useCascade, useDependencyGraph } from '../../hooks/useRebuilds';
import { BasesTable } from './BasesTable';
import { CascadeGraph, CascadeLegend } from './CascadeGraph';
import { CascadeList } from './CascadeList';
import {
  basesOf,
  highlights,
  neighbourhood,
  nodeLabel,
  nodeOfEntity,
} from './graphModel';

/** Every cycle of the graph, named by its members; a cycle blocks rebuilds. */
function CyclesPanel(props: { graph: DependencyGraphResponse }) {
  const { graph } = props;
  if (graph.cycles.length === 0) {
    return null;
  }
  return (
    <WarningPanel
      severity="error"
      defaultExpanded
      title="Dependency cycle: the images on it are not rebuilt"
    >
      <ul aria-label="Dependency cycles">
        {graph.cycles.map(cycle => (
          <li key={cycle.join(' ')}>
            {[...cycle, cycle[0]].map(id => nodeLabel(graph, id)).join(' → ')}
          </li>
        ))}
      </ul>
    </WarningPanel>
  );
}

function Dependencies(props: {
  graph: DependencyGraphResponse;
  entityRef: string;
  imageName: string;
}) {
  const { graph, entityRef, imageName } = props;
  const current = nodeOfEntity(graph, entityRef);
  const [whole, setWhole] = useState(!current);
  const [selected, setSelected] = useState<string>();
  const { cascade, loading, error } = useCascade(selected);

  const shown = useMemo(
    () =>
      current && !whole
        ? neighbourhood(graph, current.id)
        : { nodes: graph.nodes, edges: graph.edges },
    [graph, current, whole],
  );
  const marks = useMemo(() => highlights(graph, cascade), [graph, cascade]);
  // Another image's broken source is that image's business, not this page's.
  const ownProblems = (graph.sourceProblems ?? [])
    .filter(p => p.entityRef === entityRef)
    .map(p => p.message);

  return (
    <Grid container spacing={3}>
      {graph.cycles.length > 0 && (
        <Grid item xs={12}>
          <CyclesPanel graph={graph} />
        </Grid>
      )}
      {ownProblems.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            defaultExpanded
            title={`The factory cannot read ${imageName}'s source`}
          >
            <Typography variant="body2">
              Its builds fail until the repository, branch or Dockerfile named
              in images.yaml exists again, or the entry is changed to where they
              are now.
            </Typography>
            <ul aria-label="Source problems">
              {ownProblems.map(problem => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </WarningPanel>
        </Grid>
      )}
      {graph.problems.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel title="Problems of the dependency graph">
            <ul>
              {graph.problems.map(problem => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </WarningPanel>
        </Grid>
      )}
      <Grid item xs={12}>
        {current ? (
          <BasesTable bases={basesOf(graph, current.id)} />
        ) : (
          <WarningPanel
            title={`${imageName} is not in the dependency graph yet`}
            message="The factory adds an image once it has read its Dockerfile; the whole graph is shown instead."
          />
        )}
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard
          title="Dependency graph"
          subheader="Bases on the left; click a node to see what a new digest of it would rebuild"
          action={
            current && (
              <FormControlLabel
                control={
                  <Switch
                    checked={whole}
                    onChange={e => setWhole(e.target.checked)}
                    color="primary"
                  />
                }
                label="Whole graph"
              />
            )
          }
        >
          <Box mb={1}>
            <CascadeLegend />
          </Box>
          {shown.nodes.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              The graph is empty.
            </Typography>
          ) : (
            <CascadeGraph
              nodes={shown.nodes}
              edges={shown.edges}
              highlights={marks}
              currentId={current?.id}
              onSelect={setSelected}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard title="Predicted rebuilds">
          {error ? (
            <ResponseErrorPanel
              error={error}
              title="Could not predict the cascade"
            />
          ) : (
            <CascadeList graph={graph} cascade={cascade} loading={loading} />
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/**
 * The Dependencies tab of an Image entity: its bases, and the dependency
 * graph around it with the predicted rebuild cascade of a clicked node.
 */
export function ImageDependenciesContent() {
  const { entity } = useEntity();
  const { graph, error } = useDependencyGraph();
  if (!isImageEntity(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This tab shows the dependencies of entities of kind Image."
      />
    );
  }
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the dependency graph"
      />
    );
  }
  if (!graph) {
    return <Progress />;
  }
  return (
    <Dependencies
      graph={graph}
      entityRef={stringifyEntityRef(entity)}
      imageName={entity.metadata.name}
    />
  );
}
