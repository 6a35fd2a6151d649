import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  parseWheelsFile,
  WheelsFileParseResult,
} from '@image-factory/plugin-image-factory-common';
import { loadImagesFile } from '@image-factory/plugin-image-factory-node';

export const WHEELS_LOCATION_KEY = 'imageFactory.refinery.wheels.location';

/** wheels.yaml as it is now, with every problem; 503 naming the key when none is configured. */
export async function readWheelSets(
  location: string | undefined,
  urlReader: UrlReaderService,
): Promise<WheelsFileParseResult> {
  if (!location) {
    throw new ServiceUnavailableError(
      `No wheel sets: set ${WHEELS_LOCATION_KEY} to a wheels.yaml`,
    );
  }
  const { text } = await loadImagesFile(
    location,
    urlReader,
    WHEELS_LOCATION_KEY,
  );
  return parseWheelsFile(text);
}
