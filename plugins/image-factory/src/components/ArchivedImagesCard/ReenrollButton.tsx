import { Button } from '@material-ui/core';
import RestoreIcon from '@material-ui/icons/Restore';
import { LinkButton } from '@backstage/core-components';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ArchivedImage,
  imageFactoryEnrollPermission,
} from '@image-factory/plugin-image-factory-common';
import { PermittedAction } from '../PermittedAction';
import { reenrollLink } from './reenrollLink';

/** images.yaml writes owners short (`team-web`); permissions name them in full. */
function ownerRef(owner: string): string {
  return stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
}

/**
 * "Re-enroll": the enroll form filled in with the image's last entry, for
 * users with `image-factory.image.enroll` on its owner; disabled otherwise.
 */
export function ReenrollButton(props: {
  image: ArchivedImage;
  enrollPath: string;
  /** Default: "Re-enroll". */
  label?: string;
}) {
  const { image, enrollPath, label = 'Re-enroll' } = props;
  const common = {
    variant: 'outlined',
    color: 'primary',
    startIcon: <RestoreIcon />,
    'aria-label': `Re-enroll ${image.name}`,
  } as const;
  return (
    <PermittedAction
      permission={imageFactoryEnrollPermission}
      resourceRef={ownerRef(image.owner)}
    >
      {allowed =>
        allowed ? (
          <LinkButton to={reenrollLink(enrollPath, image)} {...common}>
            {label}
          </LinkButton>
        ) : (
          <Button disabled {...common}>
            {label}
          </Button>
        )
      }
    </PermittedAction>
  );
}
