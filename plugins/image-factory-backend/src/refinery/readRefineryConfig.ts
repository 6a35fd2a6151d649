import { Config } from '@backstage/config';
import path from 'node:path';

export type RefineryConfig = {
  /** Directory of the content-addressed wheel store. */
  storeDirectory: string;
  /** Whether the simple index answers without credentials. */
  publicIndex: boolean;
};

/** `imageFactory.refinery`: where wheels are kept and who may read the index. */
export function readRefineryConfig(config: Config): RefineryConfig {
  const refinery = config.getOptionalConfig('imageFactory.refinery');
  return {
    storeDirectory: path.resolve(
      refinery?.getOptionalString('store.directory') ?? '.run/refinery',
    ),
    publicIndex: refinery?.getOptionalBoolean('index.public') ?? false,
  };
}
