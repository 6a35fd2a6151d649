import {
  EntityLifecyclePicker,
  EntityNamespacePicker,
  EntityOwnerPicker,
  EntityProcessingStatusPicker,
  EntityTagPicker,
  EntityTypePicker,
  UserListPicker,
} from '@backstage/plugin-catalog-react';
import { ImageFactoryKindPicker } from './ImageFactoryKindPicker';

/**
 * The catalog's default filters, opening on what this portal is about: every
 * Image (not only the ones the user owns), with the Image Factory kinds always
 * in the kind filter.
 */
export const catalogFilters = (
  <>
    <ImageFactoryKindPicker initialKind="image" />
    <EntityTypePicker />
    <UserListPicker initialFilter="all" />
    <EntityOwnerPicker />
    <EntityLifecyclePicker />
    <EntityTagPicker />
    <EntityProcessingStatusPicker />
    <EntityNamespacePicker />
  </>
);
