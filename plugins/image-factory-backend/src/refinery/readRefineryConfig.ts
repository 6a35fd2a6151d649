import { Config } from '@backstage/config';
import path from 'node:path';

export type RefineryConfig = {
  /** Directory of the content-addressed wheel store. */
  storeDirectory: string;
  /** Whether the simple index answers without credentials. */
  publicIndex: boolean;
  /** Where wheels.yaml is (a path or a URL the UrlReader reads), if anywhere. */
  wheelsLocation?: string;
  /** The builder image of each platform. */
  builders: Record<string, string>;
  /** The Docker engine builds run on. */
  dockerSocketPath: string;
};

/** The builder ./scripts/start and ./scripts/test make with debootstrap. */
export const DEFAULT_BUILDERS = {
  'linux/amd64': 'image-factory/wheel-builder:bookworm-amd64',
};

/** `imageFactory.refinery`: where wheels are kept and who may read the index. */
export function readRefineryConfig(config: Config): RefineryConfig {
  const refinery = config.getOptionalConfig('imageFactory.refinery');
  return {
    storeDirectory: path.resolve(
      refinery?.getOptionalString('store.directory') ?? '.run/refinery',
    ),
    publicIndex: refinery?.getOptionalBoolean('index.public') ?? false,
    wheelsLocation: refinery?.getOptionalString('wheels.location'),
    builders: refinery?.has('builders')
      ? Object.fromEntries(
          refinery
            .getConfigArray('builders')
            .map(b => [b.getString('platform'), b.getString('image')]),
        )
      : DEFAULT_BUILDERS,
    dockerSocketPath:
      refinery?.getOptionalString('docker.socketPath') ??
      '/var/run/docker.sock',
  };
}
