import { KeyboardEvent } from 'react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import {
  DependencyGraph,
  DependencyGraphTypes,
} from '@backstage/core-components';
import type {
  DependencyGraphEdge,
  DependencyGraphNode,
} from '@image-factory/plugin-image-factory-common';
import type { NodeHighlight } from './graphModel';

const NODE_HEIGHT = 44;
/** Wide enough for the reference in the graph's 12px monospace text. */
const nodeWidth = (label: string) => Math.max(140, label.length * 7.5 + 24);

const useStyles = makeStyles(theme => ({
  node: {
    cursor: 'pointer',
    '&:focus': { outline: 'none' },
    '&:focus > rect': { strokeWidth: 3 },
  },
  rect: {
    fill: theme.palette.background.paper,
    stroke: theme.palette.primary.main,
    strokeWidth: 1.5,
  },
  current: { strokeWidth: 3 },
  changed: {
    fill: theme.palette.primary.light,
    stroke: theme.palette.primary.dark,
    strokeWidth: 3,
  },
  rebuilt: {
    fill: theme.palette.warning.main,
    stroke: theme.palette.warning.dark,
  },
  cut: {
    fill: theme.palette.background.paper,
    stroke: theme.palette.warning.main,
    strokeDasharray: '5 3',
    strokeWidth: 2,
  },
  none: {},
  reference: {
    fill: theme.palette.text.primary,
    fontFamily: 'monospace',
    fontSize: 12,
  },
  highlightedText: {
    fill: theme.palette.getContrastText(theme.palette.warning.main),
  },
  type: { fill: theme.palette.text.secondary, fontSize: 11 },
  swatch: {
    display: 'inline-block',
    width: 16,
    height: 12,
    borderRadius: 3,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
    border: `2px solid ${theme.palette.primary.main}`,
  },
  swatchChanged: {
    background: theme.palette.primary.light,
    borderColor: theme.palette.primary.dark,
  },
  swatchRebuilt: {
    background: theme.palette.warning.main,
    borderColor: theme.palette.warning.dark,
  },
  swatchCut: {
    borderColor: theme.palette.warning.main,
    borderStyle: 'dashed',
  },
}));

const TYPE_LABELS: Record<DependencyGraphNode['type'], string> = {
  managed: 'managed',
  base: 'base',
  external: 'external',
  discovered: 'discovered base',
};

const HIGHLIGHT_LABELS: Record<NodeHighlight, string> = {
  changed: 'changed',
  rebuilt: 'rebuilt',
  cut: 'cut by the depth cap',
  none: '',
};

function GraphNode(props: {
  node: DependencyGraphNode;
  highlight: NodeHighlight;
  current: boolean;
  onSelect: (id: string) => void;
}) {
  const { node, highlight, current, onSelect } = props;
  const classes = useStyles();
  const width = nodeWidth(node.reference);
  const select = () => onSelect(node.id);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      select();
    }
  };
  const state = HIGHLIGHT_LABELS[highlight];
  return (
    <g
      role="button"
      tabIndex={0}
      aria-label={`${node.reference}${state ? ` (${state})` : ''}`}
      aria-pressed={highlight === 'changed'}
      data-node={node.id}
      data-highlight={highlight}
      className={classes.node}
      onClick={select}
      onKeyDown={onKeyDown}
    >
      <title>{`${node.reference} · ${TYPE_LABELS[node.type]}${
        state ? ` · ${state}` : ''
      }`}</title>
      <rect
        width={width}
        height={NODE_HEIGHT}
        rx={8}
        className={`${classes.rect} ${classes[highlight]} ${
          current ? classes.current : ''
        }`}
      />
      <text
        x={width / 2}
        y={18}
        textAnchor="middle"
        className={`${classes.reference} ${
          highlight === 'rebuilt' ? classes.highlightedText : ''
        }`}
        fontWeight={current ? 'bold' : undefined}
      >
        {node.reference}
      </text>
      <text x={width / 2} y={34} textAnchor="middle" className={classes.type}>
        {TYPE_LABELS[node.type]}
        {highlight === 'cut' ? ' · cut' : ''}
      </text>
    </g>
  );
}

/** What the colours of the graph mean. */
export function CascadeLegend() {
  const classes = useStyles();
  return (
    <Box display="flex" flexWrap="wrap" gridGap={16} aria-label="Legend">
      <Typography variant="caption">
        <span className={`${classes.swatch} ${classes.swatchChanged}`} />
        New digest (clicked)
      </Typography>
      <Typography variant="caption">
        <span className={`${classes.swatch} ${classes.swatchRebuilt}`} />
        Rebuilt in the cascade
      </Typography>
      <Typography variant="caption">
        <span className={`${classes.swatch} ${classes.swatchCut}`} />
        Beyond the depth cap: not rebuilt automatically
      </Typography>
    </Box>
  );
}

/**
 * The dependency graph, bases on the left: a click (or Enter) on a node
 * selects it, and nodes are drawn by their `highlights`.
 */
export function CascadeGraph(props: {
  nodes: DependencyGraphNode[];
  edges: DependencyGraphEdge[];
  highlights: Map<string, NodeHighlight>;
  currentId?: string;
  onSelect: (id: string) => void;
}) {
  const { highlights, currentId, onSelect } = props;
  return (
    <DependencyGraph<DependencyGraphNode, {}>
      nodes={props.nodes}
      edges={props.edges}
      direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
      rankMargin={80}
      nodeMargin={24}
      paddingX={16}
      paddingY={16}
      showArrowHeads
      zoom="enable-on-click"
      aria-label="Dependency graph"
      renderNode={({ node }) => (
        <GraphNode
          node={node}
          highlight={highlights.get(node.id) ?? 'none'}
          current={node.id === currentId}
          onSelect={onSelect}
        />
      )}
    />
  );
}
