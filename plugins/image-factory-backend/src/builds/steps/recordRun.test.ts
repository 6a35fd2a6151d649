import { TestDatabases } from '@backstage/backend-test-utils';
import { imageEntity } from '../__testUtils__/imageEntity';
import { testRun } from '../__testUtils__/testRun';
import { LeaseLostError } from '../runContext';
import { recordInputs, recordPlatform } from './recordRun';

jest.setTimeout(60_000);

const image = imageEntity({
  name: 'app',
  registry: '127.0.0.1:5000',
  repository: 'apps/app',
  tag: 'v1',
  platforms: ['linux/amd64'],
});
const inputs = { sourceRevision: 'abc', platforms: ['linux/amd64'] };

describe('recordRun', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'records the inputs and the reference under the lease, on %p',
    async databaseId => {
      const { run, store, changes } = await testRun({
        knex: await databases.init(databaseId),
        image,
      });
      await recordInputs(run, inputs, 'sha256:hash');
      expect(await store.get(run.record.id)).toMatchObject({
        inputs,
        inputsHash: 'sha256:hash',
        reference: '127.0.0.1:5000/apps/app:v1',
      });
      expect(changes).toEqual([run.record.id]);
    },
  );

  it.each(databases.eachSupportedId())(
    'throws LeaseLostError and writes nothing once another backend holds the run, on %p',
    async databaseId => {
      const { run, store } = await testRun({
        knex: await databases.init(databaseId),
        image,
      });
      const stolen = { ...run, ctx: { ...run.ctx, owner: 'other-backend' } };
      await expect(recordInputs(stolen, inputs, 'sha256:hash')).rejects.toThrow(
        LeaseLostError,
      );
      expect((await store.get(run.record.id))!.inputsHash).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps one state per platform, the latest, on %p',
    async databaseId => {
      const { run, store } = await testRun({
        knex: await databases.init(databaseId),
        image,
      });
      await recordPlatform(run, { platform: 'linux/amd64', status: 'running' });
      await recordPlatform(run, {
        platform: 'linux/amd64',
        status: 'succeeded',
        digest: 'sha256:done',
      });
      expect((await store.get(run.record.id))!.platforms).toEqual([
        { platform: 'linux/amd64', status: 'succeeded', digest: 'sha256:done' },
      ]);
    },
  );
});
