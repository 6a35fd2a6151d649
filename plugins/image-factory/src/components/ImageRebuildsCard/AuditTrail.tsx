import {
  Chip,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { AuditEvent } from '@image-factory/plugin-image-factory-common';
import { relativeTime, when } from '../ImageBuildsContent/format';

function Actor(props: { actor: string }) {
  return props.actor.includes(':') ? (
    <EntityRefLink entityRef={props.actor} defaultKind="user" />
  ) : (
    <>{props.actor}</>
  );
}

/** An image's audit trail, newest first. */
export function AuditTrail(props: { events: AuditEvent[] }) {
  if (props.events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing recorded yet.
      </Typography>
    );
  }
  const events = [...props.events].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <List dense aria-label="Audit trail">
      {events.map(event => (
        <ListItem key={event.id} disableGutters divider>
          <ListItemText
            primary={
              <>
                <Chip size="small" label={event.action} />{' '}
                <Actor actor={event.actor} />{' '}
                <Typography
                  component="span"
                  variant="caption"
                  color="textSecondary"
                  title={when(event.at)}
                >
                  {relativeTime(event.at)}
                </Typography>
              </>
            }
            secondary={
              <>
                {event.summary}
                {event.justification && (
                  <>
                    <br />
                    Justification: {event.justification}
                  </>
                )}
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
