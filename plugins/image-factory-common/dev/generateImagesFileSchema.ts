/*
 * Writes schema/images-file.schema.json and schema/wheels-file.schema.json
 * from the zod schemas of images.yaml and wheels.yaml. Run it with
 * `yarn generate:schema` in this package; the JSON schema tests fail while
 * a committed file is stale.
 */
import { writeFileSync } from 'fs';
import {
  buildImagesFileJsonSchema,
  formatJson,
  IMAGES_FILE_SCHEMA_PATH,
} from './imagesFileJsonSchema';
import {
  buildWheelsFileJsonSchema,
  WHEELS_FILE_SCHEMA_PATH,
} from './wheelsFileJsonSchema';

writeFileSync(IMAGES_FILE_SCHEMA_PATH, formatJson(buildImagesFileJsonSchema()));
process.stdout.write(`Wrote ${IMAGES_FILE_SCHEMA_PATH}\n`);
writeFileSync(WHEELS_FILE_SCHEMA_PATH, formatJson(buildWheelsFileJsonSchema()));
process.stdout.write(`Wrote ${WHEELS_FILE_SCHEMA_PATH}\n`);
