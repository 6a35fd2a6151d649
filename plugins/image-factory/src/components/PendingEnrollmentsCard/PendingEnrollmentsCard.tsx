import { useState } from 'react';
import { Box, Chip, MenuItem, TextField, Typography } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  Enrollment,
  EnrollmentState,
  EnrollmentSubject,
  EnrollmentSync,
} from '@image-factory/plugin-image-factory-common';
import { useEnrollments } from '../../hooks/useEnrollments';

const ACTION_LABELS: Record<Enrollment['action'], string> = {
  enroll: 'Enroll',
  unenroll: 'Un-enroll',
  change: 'Change',
};

const STATE_COLORS: Record<EnrollmentState, 'primary' | 'default'> = {
  open: 'primary',
  merged: 'default',
  closed: 'default',
};

type Filter = EnrollmentState | 'all';

const FILTERS: Array<{ value: Filter; label: string }> = [
  { value: 'open', label: 'Open' },
  { value: 'merged', label: 'Merged' },
  { value: 'closed', label: 'Closed' },
  { value: 'all', label: 'All' },
];

/**
 * The image's catalog page exists unless the image is not enrolled yet; a
 * wheel set is no entity.
 */
function ImageName(props: { enrollment: Enrollment }) {
  const { action, imageName, state, subject } = props.enrollment;
  if (subject === 'wheel-set') {
    return (
      <>
        {imageName} <Chip label="wheel set" size="small" variant="outlined" />
      </>
    );
  }
  if (action === 'enroll' && state !== 'merged') {
    return <>{imageName}</>;
  }
  return (
    <EntityRefLink
      entityRef={{ kind: 'image', namespace: 'default', name: imageName }}
      defaultKind="image"
    />
  );
}

const SYNC_LABELS: Record<EnrollmentSync['state'], string> = {
  reapplied: 're-applied on the new base',
  conflict: 'conflict: needs you',
  'foreign-commits': 'edited by hand',
};

/**
 * What the factory last did to keep an open pull request on its base branch:
 * re-applied it, or found a conflict it leaves to the requester (with what to do).
 */
function SyncNote(props: { sync: EnrollmentSync }) {
  const { sync } = props;
  return (
    <Box mt={0.5} maxWidth={360}>
      <Chip
        label={SYNC_LABELS[sync.state] ?? sync.state}
        size="small"
        variant="outlined"
        color={sync.state === 'reapplied' ? 'default' : 'secondary'}
      />
      <Typography variant="caption" component="div" color="textSecondary">
        {sync.message}
      </Typography>
    </Box>
  );
}

function Created(props: { at: string }) {
  const date = new Date(props.at);
  if (Number.isNaN(date.getTime())) {
    return <>{props.at}</>;
  }
  return <time dateTime={props.at}>{date.toLocaleString()}</time>;
}

const columns: TableColumn<Enrollment>[] = [
  {
    title: 'Action',
    field: 'action',
    render: e => ACTION_LABELS[e.action] ?? e.action,
  },
  {
    title: 'Name',
    field: 'imageName',
    render: e => <ImageName enrollment={e} />,
  },
  {
    title: 'Requested by',
    field: 'requestedBy',
    render: e => <EntityRefLink entityRef={e.requestedBy} defaultKind="user" />,
  },
  {
    title: 'Pull request',
    field: 'pullRequest.number',
    render: e => (
      <Link
        to={e.pullRequest.url}
        target="_blank"
        rel="noopener noreferrer"
        title={e.summary}
      >
        #{e.pullRequest.number}
      </Link>
    ),
  },
  {
    title: 'State',
    field: 'state',
    render: e => (
      <>
        <Chip label={e.state} size="small" color={STATE_COLORS[e.state]} />
        {e.state === 'open' && e.sync && <SyncNote sync={e.sync} />}
      </>
    ),
  },
  {
    title: 'Created',
    field: 'createdAt',
    render: e => <Created at={e.createdAt} />,
  },
];

const FILES: Record<EnrollmentSubject, string> = {
  image: 'images.yaml',
  'wheel-set': 'wheels.yaml',
};

/**
 * The change requests to images.yaml (enroll, un-enroll, change) and to the
 * refinery's wheels.yaml with their pull requests, open ones first by
 * default; `subject` shows only those of images or of wheel sets. A change
 * of `refreshKey` loads them again.
 */
export function PendingEnrollmentsCard(props: {
  refreshKey?: unknown;
  subject?: EnrollmentSubject;
}) {
  const { subject } = props;
  const [filter, setFilter] = useState<Filter>('open');
  const loaded = useEnrollments(
    filter === 'all' ? undefined : filter,
    props.refreshKey,
  );
  const { loading, error } = loaded;
  const enrollments = subject
    ? loaded.enrollments?.filter(e => (e.subject ?? 'image') === subject)
    : loaded.enrollments;
  const files = subject
    ? FILES[subject]
    : `${FILES.image} and ${FILES['wheel-set']}`;

  let body;
  if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the change requests"
      />
    );
  } else if (!enrollments) {
    body = <Progress />;
  } else if (enrollments.length === 0 && subject) {
    // Beside other cards, one line says it.
    body = (
      <Typography variant="body2" color="textSecondary">
        {filter === 'all'
          ? 'No change requests yet.'
          : `No ${filter} change requests.`}{' '}
        Enrolling, changing or un-enrolling{' '}
        {subject === 'wheel-set' ? 'a wheel set' : 'an image'} opens a pull
        request against {FILES[subject]}; it is listed here.
      </Typography>
    );
  } else if (enrollments.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title={
          filter === 'all'
            ? 'No change requests yet'
            : `No ${filter} change requests`
        }
        description="Enrolling, changing or un-enrolling an image opens a pull request against images.yaml, and a wheel set one against wheels.yaml; it is listed here."
      />
    );
  } else {
    body = (
      <Table<Enrollment>
        columns={columns}
        data={enrollments}
        isLoading={loading}
        options={{
          paging: enrollments.length > 20,
          pageSize: 20,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
      />
    );
  }

  return (
    <InfoCard
      title="Change requests"
      subheader={`Pull requests against ${files}; merging one is the approval`}
      action={
        <TextField
          select
          label="Show"
          value={filter}
          onChange={e => setFilter(e.target.value as Filter)}
          variant="outlined"
          margin="dense"
          SelectProps={{
            SelectDisplayProps: { 'aria-label': 'Filter by state' } as {},
          }}
        >
          {FILTERS.map(f => (
            <MenuItem key={f.value} value={f.value}>
              {f.label}
            </MenuItem>
          ))}
        </TextField>
      }
    >
      {body}
    </InfoCard>
  );
}
