import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { promises as fs } from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { migrateDatabase } from './migrateDatabase';
import { SqliteReplicaGuard } from './SqliteReplicaGuard';

jest.setTimeout(60_000);

const MINUTE = 60_000;

describe('SqliteReplicaGuard', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  let dir: string;
  const clients: Knex[] = [];

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'replica-guard-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A backend's own connection to the one SQLite file, as two processes would have. */
  const backendOnFile = () => {
    const client = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'image-factory.sqlite') },
      useNullAsDefault: true,
    });
    clients.push(client);
    return client;
  };

  it('says when a second backend uses the same SQLite file, naming it, once', async () => {
    let now = new Date('2026-12-06T10:00:00Z');
    const first = backendOnFile();
    const second = backendOnFile();
    await migrateDatabase({ getClient: async () => first });
    const firstLog = mockServices.logger.mock();
    const secondLog = mockServices.logger.mock();
    const start = (client: Knex, logger: typeof firstLog) =>
      SqliteReplicaGuard.start({
        client,
        logger,
        heartbeatMs: MINUTE,
        now: () => now,
      });

    const a = (await start(first, firstLog))!;
    expect(firstLog.warn).not.toHaveBeenCalled();
    const b = (await start(second, secondLog))!;
    const said = `Another Image Factory backend (host ${os.hostname()}, pid ${
      process.pid
    }) uses this SQLite database: SQLite serves one backend, and two run builds twice and lose leases. Run more than one backend on PostgreSQL (backend.database.client: pg).`;
    expect(secondLog.warn).toHaveBeenCalledWith(said);

    // The first hears of the second at its next heartbeat, and only once.
    now = new Date(now.getTime() + MINUTE);
    await a.beat();
    await a.beat();
    expect(firstLog.warn).toHaveBeenCalledTimes(1);
    expect(firstLog.warn).toHaveBeenCalledWith(said);

    // A stopped backend's row goes; one whose heartbeat stopped (killed)
    // is not reported after three beats.
    await b.stop();
    now = new Date(now.getTime() + 10 * MINUTE);
    const thirdLog = mockServices.logger.mock();
    const c = (await start(backendOnFile(), thirdLog))!;
    expect(thirdLog.warn).not.toHaveBeenCalled();
    expect(await first('backend_instances').count({ n: '*' })).toEqual([
      { n: 2 },
    ]);
    await c.stop();
    await a.stop();
    expect(await first('backend_instances')).toEqual([]);
  });

  it.each(databases.eachSupportedId())(
    'keeps nothing on %p, which serves replicas',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex });
      const logger = mockServices.logger.mock();
      expect(
        await SqliteReplicaGuard.start({ client: knex, logger }),
      ).toBeUndefined();
      expect(await knex('backend_instances')).toEqual([]);
    },
  );
});
