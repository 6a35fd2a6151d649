export {
  ArchivedImagesCard,
  ARCHIVED_IMAGES_ANCHOR,
} from './ArchivedImagesCard';
