import { Box, Chip, Typography } from '@material-ui/core';
import {
  CodeSnippet,
  InfoCard,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { RefineryWheelSummary } from '@image-factory/plugin-image-factory-common';

const STATUS_WORDS: Record<RefineryWheelSummary['status'], string> = {
  pending: 'not built yet',
  building: 'building',
  built: 'built',
  failed: 'latest build failed',
};

/**
 * What the refinery serves: each project with its wheels (file and
 * architecture) and the state of its latest builds, and how pip reads the
 * index.
 */
export function RefineryWheelsCard(props: { wheels: RefineryWheelSummary[] }) {
  const discovery = useApi(discoveryApiRef);
  const { value: base } = useAsync(
    () => discovery.getBaseUrl('image-factory'),
    [discovery],
  );
  const columns: TableColumn<RefineryWheelSummary>[] = [
    { title: 'Project', field: 'project', highlight: true },
    { title: 'Status', render: w => STATUS_WORDS[w.status] },
    {
      title: 'Wheels',
      render: w =>
        w.files.length === 0
          ? 'none'
          : w.files.map(f => (
              <Typography key={f.filename} variant="body2">
                {f.filename}
                {f.yanked ? ' (yanked)' : ''}
              </Typography>
            )),
    },
    {
      title: 'Sets',
      render: w => (
        <Box display="flex" gridGap={4}>
          {w.sets.map(s => (
            <Chip key={s} size="small" label={s} />
          ))}
        </Box>
      ),
    },
  ];
  return (
    <InfoCard title="Wheels" noPadding>
      <Table
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={props.wheels}
        localization={{
          body: { emptyDataSourceMessage: 'No wheel built yet' },
        }}
      />
      <Box p={2}>
        <Typography variant="body2" gutterBottom>
          Install with pip on the target platform (a Backstage token as the
          password, see the README):
        </Typography>
        <CodeSnippet
          language="shell"
          text={`pip install --index-url ${
            base ?? '<backend>/api/image-factory'
          }/refinery/simple/ <package>`}
          showCopyCodeButton
        />
      </Box>
    </InfoCard>
  );
}
