import { ImageFactoryPushAuth } from '@image-factory/plugin-image-factory-node';

/** The engine's X-Registry-Config: credentials by registry host. */
export function registryConfig(auths: ImageFactoryPushAuth[]) {
  return Object.fromEntries(
    auths.map(a => [
      a.serveraddress,
      { username: a.username, password: a.password },
    ]),
  );
}
