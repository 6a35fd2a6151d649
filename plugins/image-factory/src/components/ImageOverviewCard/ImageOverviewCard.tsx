import {
  Box,
  Chip,
  Grid,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import {
  CopyTextButton,
  InfoCard,
  Link,
  WarningPanel,
} from '@backstage/core-components';
import { ANNOTATION_VIEW_URL } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ImageEntityV1alpha1,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import {
  IMAGE_TYPE_DESCRIPTIONS,
  PolicyValue,
  effectiveRebuildPolicy,
  isBuiltByFactory,
} from './imageDetails';
import { Missing, OverviewField } from './OverviewField';

type ImageSpec = ImageEntityV1alpha1['spec'];

const useStyles = makeStyles(theme => ({
  code: {
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    overflowWrap: 'anywhere',
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    alignItems: 'center',
  },
  list: {
    margin: 0,
    paddingLeft: theme.spacing(2),
  },
}));

function CopyableCode(props: { text: string; label: string }) {
  const classes = useStyles();
  return (
    <Box display="flex" alignItems="center">
      <code className={classes.code}>{props.text}</code>
      <CopyTextButton text={props.text} aria-label={props.label} />
    </Box>
  );
}

function Chips(props: { items: string[]; separator?: string }) {
  const classes = useStyles();
  return (
    <div className={classes.chips}>
      {props.items.map((item, i) => (
        <span key={item} className={classes.chips}>
          {i > 0 && props.separator && (
            <Typography component="span" variant="body2" aria-hidden>
              {props.separator}
            </Typography>
          )}
          <Chip label={item} size="small" />
        </span>
      ))}
    </div>
  );
}

function SourceValue(props: { source: ImageSpec['source']; url?: string }) {
  const { source, url } = props;
  if (!source) {
    return <Missing>None: the factory does not build this image</Missing>;
  }
  const label = `${source.repo}: ${source.dockerfile}`;
  return (
    <>
      <Typography variant="body2">
        {url ? <Link to={url}>{label}</Link> : label}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {source.provider}, branch {source.branch}, context {source.context}
      </Typography>
    </>
  );
}

function BuildArgsValue(props: { buildArgs: ImageSpec['buildArgs'] }) {
  const classes = useStyles();
  const entries = Object.entries(props.buildArgs ?? {});
  if (entries.length === 0) {
    return <Missing>None</Missing>;
  }
  return (
    <ul className={classes.list}>
      {entries.map(([name, value]) => (
        <li key={name}>
          <code className={classes.code}>
            {name}={value}
          </code>
        </li>
      ))}
    </ul>
  );
}

function policyText<T>(field: PolicyValue<T>, text: (value: T) => string) {
  return field.isDefault ? `${text(field.value)} (default)` : text(field.value);
}

function RebuildValue(props: { spec: ImageSpec }) {
  const classes = useStyles();
  if (!isBuiltByFactory(props.spec)) {
    return (
      <Missing>Not applicable: the factory watches this image only</Missing>
    );
  }
  const policy = effectiveRebuildPolicy(props.spec.rebuild);
  return (
    <ul className={classes.list}>
      <li>
        <Typography variant="body2">
          Automatic rebuild on base change:{' '}
          {policyText(policy.auto, auto => (auto ? 'on' : 'off'))}
        </Typography>
      </li>
      <li>
        <Typography variant="body2">
          Delay after a new base digest:{' '}
          {policyText(policy.delay, delay => delay)}
        </Typography>
      </li>
      <li>
        <Typography variant="body2">
          Coalescing window:{' '}
          {policyText(policy.coalesceWindow, window => window)}
        </Typography>
      </li>
    </ul>
  );
}

function TagDigestValue(props: { spec: ImageSpec }) {
  const { tag, digest } = props.spec;
  if (!tag && !digest) {
    return <Missing>Not set: pulls resolve the tag latest</Missing>;
  }
  return (
    <>
      {tag && <Typography variant="body2">Tag {tag}</Typography>}
      {digest && <CopyableCode text={digest} label="Copy digest" />}
    </>
  );
}

function ImageOverview(props: { entity: ImageEntityV1alpha1 }) {
  const { spec } = props.entity;
  const platforms = spec.platforms ?? [];
  const stages = spec.stages ?? [];
  const bases = spec.dependsOn ?? [];
  return (
    <Grid container spacing={2}>
      <OverviewField label="Type">
        <Tooltip title={IMAGE_TYPE_DESCRIPTIONS[spec.type] ?? ''}>
          <Chip label={spec.type} size="small" color="primary" />
        </Tooltip>
      </OverviewField>
      <OverviewField label="Owner">
        {spec.owner ? (
          <EntityRefLink entityRef={spec.owner} defaultKind="group" />
        ) : (
          <Missing>No owner</Missing>
        )}
      </OverviewField>
      <OverviewField label="Reference" gridSizes={{ xs: 12 }}>
        <CopyableCode text={spec.reference} label="Copy image reference" />
      </OverviewField>
      <OverviewField label="Pull" gridSizes={{ xs: 12 }}>
        <CopyableCode
          text={`docker pull ${spec.reference}`}
          label="Copy pull command"
        />
      </OverviewField>
      <OverviewField label="Registry">
        <Typography variant="body2">{spec.registry}</Typography>
      </OverviewField>
      <OverviewField label="Repository">
        <Typography variant="body2">{spec.repository}</Typography>
      </OverviewField>
      <OverviewField label="Tag / digest" gridSizes={{ xs: 12 }}>
        <TagDigestValue spec={spec} />
      </OverviewField>
      <OverviewField label="Platforms">
        {platforms.length > 0 ? (
          <Chips items={platforms} />
        ) : (
          <Missing>None listed</Missing>
        )}
      </OverviewField>
      <OverviewField label="Registry provider">
        {spec.providedBy ? (
          <EntityRefLink entityRef={spec.providedBy} defaultKind="provider" />
        ) : (
          <Missing>No provider configured for {spec.registry}</Missing>
        )}
      </OverviewField>
      <OverviewField label="Source" gridSizes={{ xs: 12 }}>
        {/* The catalog module links the Dockerfile on the configured source
            host (GitHub Enterprise, the local test server); no guessed host. */}
        <SourceValue
          source={spec.source}
          url={props.entity.metadata.annotations?.[ANNOTATION_VIEW_URL]}
        />
      </OverviewField>
      <OverviewField label="Build args">
        <BuildArgsValue buildArgs={spec.buildArgs} />
      </OverviewField>
      <OverviewField label="Built from">
        {bases.length > 0 ? (
          bases.map(ref => (
            <div key={ref}>
              <EntityRefLink entityRef={ref} defaultKind="image" />
            </div>
          ))
        ) : (
          <Missing>No known base images</Missing>
        )}
      </OverviewField>
      <OverviewField label="Rebuild policy" gridSizes={{ xs: 12 }}>
        <RebuildValue spec={spec} />
      </OverviewField>
      <OverviewField label="Lifecycle stages" gridSizes={{ xs: 12 }}>
        {stages.length > 0 ? (
          <Chips items={stages} separator="→" />
        ) : (
          <Missing>No stages: builds are not promoted</Missing>
        )}
      </OverviewField>
    </Grid>
  );
}

/**
 * Entity card with what the factory knows about an Image: reference, where it
 * lives, how it is built and when it is rebuilt.
 *
 * @public
 */
export function ImageOverviewCard() {
  const { entity } = useEntity();
  if (!isImageEntity(entity)) {
    return (
      <WarningPanel
        title="Not an Image"
        message={`This card describes Image entities, and ${entity.kind} ${entity.metadata.name} is not one. Show it only for images, inside an EntitySwitch.Case with isImageFactoryImage.`}
      />
    );
  }
  return (
    <InfoCard title="Image" variant="gridItem">
      <ImageOverview entity={entity} />
    </InfoCard>
  );
}
