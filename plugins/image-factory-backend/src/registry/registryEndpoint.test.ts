import { InputError } from '@backstage/errors';
import {
  assertRepositoryName,
  resolveRegistryEndpoint,
  usesPlainHttp,
} from './registryEndpoint';

describe('resolveRegistryEndpoint', () => {
  const none = new Set<string>();

  it('speaks plain HTTP to loopback hosts and HTTPS elsewhere', () => {
    expect(resolveRegistryEndpoint('localhost:5000', none).origin).toBe(
      'http://localhost:5000',
    );
    expect(resolveRegistryEndpoint('127.0.0.1:5000', none).origin).toBe(
      'http://127.0.0.1:5000',
    );
    expect(resolveRegistryEndpoint('[::1]:5000', none).origin).toBe(
      'http://[::1]:5000',
    );
    expect(resolveRegistryEndpoint('ghcr.io', none).origin).toBe(
      'https://ghcr.io',
    );
    expect(resolveRegistryEndpoint('registry.internal:5000', none).origin).toBe(
      'https://registry.internal:5000',
    );
  });

  it('sends docker.io requests to registry-1.docker.io and keeps the written name', () => {
    expect(resolveRegistryEndpoint('docker.io', none)).toEqual({
      registry: 'docker.io',
      origin: 'https://registry-1.docker.io',
    });
  });

  it('uses plain HTTP for hosts listed as insecure, with or without port', () => {
    const byName = new Set(['registry.internal']);
    const byPort = new Set(['registry.internal:5000']);
    expect(
      resolveRegistryEndpoint('registry.internal:5000', byName).origin,
    ).toBe('http://registry.internal:5000');
    expect(
      resolveRegistryEndpoint('registry.internal:5000', byPort).origin,
    ).toBe('http://registry.internal:5000');
    expect(
      resolveRegistryEndpoint('registry.internal:6000', byPort).origin,
    ).toBe('https://registry.internal:6000');
    expect(usesPlainHttp('Localhost', none)).toBe(true);
  });

  it('refuses a registry that is not a host, before any request', () => {
    for (const bad of ['user@ghcr.io', 'ghcr.io/path', 'ghcr.io:port', '']) {
      expect(() => resolveRegistryEndpoint(bad, none)).toThrow(InputError);
    }
  });
});

describe('assertRepositoryName', () => {
  it('accepts repository paths and refuses what could leave the path', () => {
    expect(() => assertRepositoryName('library/nginx')).not.toThrow();
    expect(() => assertRepositoryName('a/b-c/d__e.f')).not.toThrow();
    for (const bad of ['../v2', 'a//b', 'A/b', 'a/b?x', 'a/b#c', '']) {
      expect(() => assertRepositoryName(bad)).toThrow(InputError);
    }
  });
});
