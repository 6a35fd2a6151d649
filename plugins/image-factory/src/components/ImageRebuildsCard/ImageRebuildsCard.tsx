import { useState } from 'react';
import { Box, Button } from '@material-ui/core';
import WhatshotIcon from '@material-ui/icons/Whatshot';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  imageFactoryEmergencyRebuildPermission,
  isImageEntity,
} from '@image-factory/plugin-image-factory-common';
import { isImageFactoryBuiltImage } from '../../predicates';
import { useAuditTrail } from '../../hooks/useRebuilds';
import { PermittedAction } from '../PermittedAction';
import { AuditTrail } from './AuditTrail';
import { EmergencyRebuildDialog } from './EmergencyRebuildDialog';

function Rebuilds(props: {
  imageName: string;
  entityRef: string;
  buildable: boolean;
}) {
  const { imageName, entityRef, buildable } = props;
  const [open, setOpen] = useState(false);
  // A new dialog (and request) each time it opens.
  const [dialogKey, setDialogKey] = useState(0);
  const [refreshKey, setRefreshKey] = useState(0);
  const { events, error } = useAuditTrail(imageName, refreshKey);

  let trail;
  if (error && !events) {
    trail = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the audit trail"
      />
    );
  } else if (!events) {
    trail = <Progress />;
  } else {
    trail = <AuditTrail events={events} />;
  }

  return (
    <InfoCard
      title="Rebuilds and audit"
      subheader={
        buildable
          ? 'Emergency rebuilds skip the rebuild delay; every one is audited'
          : 'The factory does not build this image (it has no source), so it cannot be rebuilt'
      }
      action={
        buildable && (
          <PermittedAction
            permission={imageFactoryEmergencyRebuildPermission}
            resourceRef={entityRef}
          >
            {allowed => (
              <Button
                variant="outlined"
                color="secondary"
                startIcon={<WhatshotIcon />}
                disabled={!allowed}
                onClick={() => {
                  setDialogKey(k => k + 1);
                  setOpen(true);
                }}
              >
                Emergency rebuild
              </Button>
            )}
          </PermittedAction>
        )
      }
    >
      <Box>{trail}</Box>
      {buildable && (
        <EmergencyRebuildDialog
          key={dialogKey}
          imageName={imageName}
          open={open}
          onClose={() => setOpen(false)}
          onQueued={() => setRefreshKey(k => k + 1)}
        />
      )}
    </InfoCard>
  );
}

/**
 * The rebuilds card of an Image entity: "Emergency rebuild" (with a
 * justification, optionally with its cascade) and the image's audit trail.
 * Images the factory does not build (external ones, bases without a source)
 * show the trail only.
 */
export function ImageRebuildsCard() {
  const { entity } = useEntity();
  if (!isImageEntity(entity)) {
    return (
      <WarningPanel
        title="Not an image"
        message="This card shows the rebuilds of entities of kind Image."
      />
    );
  }
  return (
    <Rebuilds
      imageName={entity.metadata.name}
      entityRef={stringifyEntityRef(entity)}
      buildable={isImageFactoryBuiltImage(entity)}
    />
  );
}
