import { Knex } from 'knex';
import { migrateDatabase } from '../../database/migrateDatabase';
import { DirectoryWheelBlobStore } from '../store/DirectoryWheelBlobStore';
import { WheelFileStore } from '../store/WheelFileStore';
import { WheelPublisher } from '../WheelPublisher';

/** The refinery's stores on a migrated test database and a blob directory, and their publisher. */
export async function createTestWheelStore(knex: Knex, directory: string) {
  await migrateDatabase({ getClient: async () => knex });
  const files = WheelFileStore.create({ client: knex });
  const blobs = new DirectoryWheelBlobStore(directory);
  return { files, blobs, publisher: new WheelPublisher({ files, blobs }) };
}
