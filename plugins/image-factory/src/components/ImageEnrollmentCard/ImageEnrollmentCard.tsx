import { useState } from 'react';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  imageFactoryChangePermission,
  imageFactoryUnenrollPermission,
  ImageEntityV1alpha1,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import { useEnrollments } from '../../hooks/useEnrollments';
import { PermittedAction } from '../PermittedAction';
import { ChangeTypeDialog } from './ChangeTypeDialog';
import { UnenrollDialog } from './UnenrollDialog';

const ACTIONS = { enroll: 'Enroll', unenroll: 'Un-enroll', change: 'Change' };

function OpenRequests(props: { image: string; refreshKey: number }) {
  const { enrollments, error } = useEnrollments('open', props.refreshKey);
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the change requests"
      />
    );
  }
  if (!enrollments) {
    return <Progress />;
  }
  const mine = enrollments.filter(e => e.imageName === props.image);
  if (mine.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No open change requests for this image.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Open change requests">
      {mine.map(e => (
        <ListItem key={e.id} disableGutters>
          <ListItemText
            primary={
              <>
                {ACTIONS[e.action] ?? e.action}:{' '}
                <Link
                  to={e.pullRequest.url}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  {e.pullRequest.repo}#{e.pullRequest.number}
                </Link>
              </>
            }
            secondary={`${e.summary} (${e.requestedBy})`}
          />
        </ListItem>
      ))}
    </List>
  );
}

function EnrollmentActions(props: { image: ImageEntityV1alpha1 }) {
  const { image } = props;
  const [dialog, setDialog] = useState<'change' | 'unenroll'>();
  // Each opened pull request changes the key, so the list shows it at once.
  const [opened, setOpened] = useState(0);
  const close = () => setDialog(undefined);
  const done = () => setOpened(n => n + 1);
  const entityRef = stringifyEntityRef(image);
  return (
    <>
      <OpenRequests image={image.metadata.name} refreshKey={opened} />
      <Box display="flex" gridGap={8} mt={2}>
        <PermittedAction
          permission={imageFactoryChangePermission}
          resourceRef={entityRef}
        >
          {allowed => (
            <Button
              variant="outlined"
              color="primary"
              disabled={!allowed}
              onClick={() => setDialog('change')}
            >
              Change type
            </Button>
          )}
        </PermittedAction>
        <PermittedAction
          permission={imageFactoryUnenrollPermission}
          resourceRef={entityRef}
        >
          {allowed => (
            <Button
              variant="outlined"
              color="secondary"
              disabled={!allowed}
              onClick={() => setDialog('unenroll')}
            >
              Un-enroll
            </Button>
          )}
        </PermittedAction>
      </Box>
      {/* Mounted only while open, so that each opening starts afresh. */}
      {dialog === 'change' && (
        <ChangeTypeDialog image={image} open onClose={close} onDone={done} />
      )}
      {dialog === 'unenroll' && (
        <UnenrollDialog image={image} open onClose={close} onDone={done} />
      )}
    </>
  );
}

/**
 * Entity card for kind Image: the open pull requests that change the image,
 * and buttons that ask for a new type or for un-enrolling it, each through a
 * pull request against images.yaml.
 */
export function ImageEnrollmentCard() {
  const { entity } = useEntity();
  return (
    <InfoCard
      title="Enrollment"
      subheader="Changes are pull requests against images.yaml"
    >
      {isImageEntity(entity) ? (
        <EnrollmentActions image={entity} />
      ) : (
        <WarningPanel
          title="Not an image"
          message="This card shows the enrollment of entities of kind Image."
        />
      )}
    </InfoCard>
  );
}
