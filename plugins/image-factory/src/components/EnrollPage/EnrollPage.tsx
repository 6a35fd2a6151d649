import { useState } from 'react';
import { Grid } from '@material-ui/core';
import {
  Content,
  ContentHeader,
  Header,
  LinkButton,
  Page,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../../routes';
import { PendingEnrollmentsCard } from '../PendingEnrollmentsCard';
import { EnrollForm } from './EnrollForm';

/**
 * The enroll page: the form that opens a pull request adding an image to
 * images.yaml, and the change requests with their state.
 */
export function EnrollPage() {
  const statusLink = useRouteRef(rootRouteRef);
  // Each opened pull request changes the key, so the list shows it at once.
  const [enrolled, setEnrolled] = useState(0);
  return (
    <Page themeId="tool">
      <Header
        title="Image Factory"
        subtitle="Enroll an image: a pull request against images.yaml"
      />
      <Content>
        <ContentHeader title="Enroll an image">
          <LinkButton to={statusLink()} variant="outlined">
            Factory status
          </LinkButton>
        </ContentHeader>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <EnrollForm onEnrolled={() => setEnrolled(n => n + 1)} />
          </Grid>
          <Grid item xs={12}>
            <PendingEnrollmentsCard refreshKey={enrolled} />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
