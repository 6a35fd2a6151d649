/*
 * Writes schema/images-file.schema.json from the zod schema of images.yaml.
 * Run it with `yarn generate:schema` in this package;
 * src/imagesFile/imagesFileJsonSchema.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'fs';
import {
  buildImagesFileJsonSchema,
  formatJson,
  IMAGES_FILE_SCHEMA_PATH,
} from './imagesFileJsonSchema';

writeFileSync(IMAGES_FILE_SCHEMA_PATH, formatJson(buildImagesFileJsonSchema()));
process.stdout.write(`Wrote ${IMAGES_FILE_SCHEMA_PATH}\n`);
