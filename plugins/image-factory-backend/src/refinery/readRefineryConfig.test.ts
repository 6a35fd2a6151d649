import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { readRefineryConfig } from './readRefineryConfig';

describe('imageFactory.refinery.store.registry', () => {
  const read = (registry: JsonValue) =>
    readRefineryConfig(
      new ConfigReader({ imageFactory: { refinery: { store: { registry } } } }),
    ).storeRegistry;

  it('is read as a registry host and repository path, absent by default', () => {
    expect(read('localhost:5000/image-factory/wheels')).toEqual({
      registry: 'localhost:5000',
      repository: 'image-factory/wheels',
    });
    expect(read('ghcr.io/acme/wheels')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/wheels',
    });
    const defaults = readRefineryConfig(new ConfigReader({}));
    expect(defaults.storeRegistry).toBeUndefined();
    expect(defaults.storeDirectory).toMatch(/\.run\/refinery$/);
  });

  it('refuses a tag or a digest: each wheel is a tag of its own', () => {
    expect(() => read('localhost:5000/image-factory/wheels:latest')).toThrow(
      "imageFactory.refinery.store.registry: must name a repository without tag or digest, got 'localhost:5000/image-factory/wheels:latest'",
    );
    expect(() =>
      read(`localhost:5000/image-factory/wheels@sha256:${'a'.repeat(64)}`),
    ).toThrow(/store\.registry: must name a repository without tag or digest/);
  });

  it('refuses what is no repository reference, naming the key', () => {
    expect(() => read('localhost:5000/Image Factory')).toThrow(
      "imageFactory.refinery.store.registry: invalid image reference 'localhost:5000/Image Factory'",
    );
    expect(() => read('https://registry.example/wheels')).toThrow(
      /^imageFactory\.refinery\.store\.registry: invalid image reference/,
    );
    expect(() => read('')).toThrow(/store\.registry/);
    expect(() => read(42)).toThrow(/store\.registry/);
  });
});
