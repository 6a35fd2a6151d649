import { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { DatabaseDigestStore, migrateDatabase } from '../database';
import { OciRegistryClient } from '../registry';
import { DigestWatcher } from './DigestWatcher';

/*
 * A pass over a registry that never answers: the request timeout ends each
 * check as a transient failure, and the caller's signal ends the pass at
 * once, leaving the references due with no failure recorded.
 */

jest.setTimeout(30_000);

const t0 = new Date('2026-11-01T00:00:00Z');

describe('DigestWatcher against a registry that never answers', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let server: Server;
  let host: string;

  beforeAll(async () => {
    server = createServer(() => {});
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  async function createWatcher(requestTimeoutMs: number) {
    const knex = await databases.init('SQLITE_3');
    const database: DatabaseService = { getClient: async () => knex };
    await migrateDatabase(database);
    const store = DatabaseDigestStore.create({ client: knex });
    const watcher = DigestWatcher.create({
      store,
      registry: OciRegistryClient.create({ requestTimeoutMs }),
      logger: mockServices.logger.mock(),
      clock: () => t0,
    });
    await watcher.setWatched([`${host}/base/os:1`, `${host}/base/os:2`]);
    return { watcher, store };
  }

  it('fails each check after the request timeout, as transient, naming the registry', async () => {
    const { watcher } = await createWatcher(200);
    const summary = await watcher.runDue();
    expect(summary.checked).toEqual([]);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        reference: `${host}/base/os:1`,
        name: 'RegistryTimeoutError',
        transient: true,
        message: `Registry ${host} did not answer HEAD manifest ${host}/base/os:1 within 200 ms (imageFactory.registries.requestTimeout)`,
      }),
      expect.objectContaining({ reference: `${host}/base/os:2` }),
    ]);
  });

  it("stops the pass when the caller's signal aborts, leaving the references due", async () => {
    const { watcher, store } = await createWatcher(30_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('task timed out')), 100);
    const started = Date.now();
    const summary = await watcher.runDue(controller.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(summary).toMatchObject({ checked: [], errors: [] });
    const watched = await store.listWatched();
    expect(watched.map(w => [w.nextCheckAt, w.lastError])).toEqual([
      [t0, undefined],
      [t0, undefined],
    ]);
  });
});
