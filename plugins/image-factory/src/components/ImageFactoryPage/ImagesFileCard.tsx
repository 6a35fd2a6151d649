import { ReactNode } from 'react';
import { Box, Grid, Typography } from '@material-ui/core';
import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import type {
  ImagesFileIssue,
  ImagesFileStatus,
} from '@image-factory/plugin-image-factory-common';

function FileState(props: { file: ImagesFileStatus }) {
  const { file } = props;
  if (file.error) {
    return <StatusError>Could not be read</StatusError>;
  }
  if (!file.lastReadAt) {
    return <StatusWarning>Not read yet</StatusWarning>;
  }
  if (file.ok && file.issues.length === 0) {
    return <StatusOK>OK</StatusOK>;
  }
  const count = file.issues.length;
  return (
    <StatusWarning>{count === 1 ? '1 issue' : `${count} issues`}</StatusWarning>
  );
}

function LastRead(props: { at?: string }) {
  if (!props.at) {
    return <>never</>;
  }
  const date = new Date(props.at);
  if (Number.isNaN(date.getTime())) {
    return <>{props.at}</>;
  }
  return <time dateTime={props.at}>{date.toLocaleString()}</time>;
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Grid item xs={12} sm={6} md={3}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </Grid>
  );
}

const issueColumns: TableColumn<ImagesFileIssue>[] = [
  {
    title: 'Entry',
    field: 'entry',
    render: issue => issue.entry ?? '—',
  },
  {
    title: 'Path',
    field: 'path',
    render: issue => (
      <>
        <code>{issue.path}</code>
        {issue.line !== undefined && ` (line ${issue.line})`}
      </>
    ),
  },
  { title: 'Message', field: 'message' },
];

/** Where images.yaml is read from, when, and what is wrong with it. */
export function ImagesFileCard(props: { file: ImagesFileStatus }) {
  const { file } = props;
  const issues = file.issues ?? [];
  return (
    <InfoCard title="images.yaml">
      <Grid container spacing={2}>
        <Fact label="Location">
          <code style={{ wordBreak: 'break-all' }}>{file.location}</code>
        </Fact>
        <Fact label="Last read">
          <LastRead at={file.lastReadAt} />
        </Fact>
        <Fact label="Images served">{file.imageCount}</Fact>
        <Fact label="State">
          <FileState file={file} />
        </Fact>
        {file.error && (
          <Grid item xs={12}>
            <WarningPanel
              severity="error"
              defaultExpanded
              title="images.yaml could not be read"
              message={`${file.error}. The catalog keeps the ${file.imageCount} images from the last good read until the file is fixed.`}
            />
          </Grid>
        )}
        <Grid item xs={12}>
          {issues.length > 0 ? (
            <Table<ImagesFileIssue>
              title="Issues"
              columns={issueColumns}
              data={issues}
              options={{
                paging: issues.length > 20,
                pageSize: 20,
                search: issues.length > 20,
                padding: 'dense',
              }}
            />
          ) : (
            <Box py={1}>
              <Typography variant="body2" color="textSecondary">
                No issues: every entry is valid.
              </Typography>
            </Box>
          )}
        </Grid>
      </Grid>
    </InfoCard>
  );
}
