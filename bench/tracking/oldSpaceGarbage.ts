/*
 * What one operation of a tracking check leaves for V8's old space: 1,500
 * sequential HEADs of one manifest on the real docker-registry (loopback),
 * through the factory's registry client (on Node's fetch), fetch alone
 * (undici), undici.request and node:http with a keep-alive agent; and
 * 1,500 reads-and-updates of one row through knex on an in-memory SQLite,
 * as two statements and as a transaction of the same two.
 * Each warms up, then the heap is fully collected and what moved into the
 * old space over the 1,500 operations is printed per operation: bytes
 * that survived the young generation's collections and wait for a full
 * one. bench:tracking's memory section cites it.
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/tracking/oldSpaceGarbage.ts
 */
import http from 'http';
import knexFactory from 'knex';
import { request as undiciRequest } from 'undici';
import v8 from 'v8';
import vm from 'vm';
import { startTestRegistry } from '../../plugins/image-factory-backend/src/__testUtils__/startTestRegistry';
import { OciRegistryClient } from '../../plugins/image-factory-backend/src/registry';
import { pushPlatformManifest } from '../../plugins/image-factory-backend/src/tracking/__testUtils__/pushImages';

const OPERATIONS = 1_500;
const ACCEPT = 'application/vnd.oci.image.manifest.v1+json';

const oldSpace = () =>
  v8.getHeapSpaceStatistics().find(s => s.space_name === 'old_space')!
    .space_used_size;
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function main() {
  const registry = await startTestRegistry();
  try {
    const client = OciRegistryClient.create();
    await pushPlatformManifest(
      client,
      { registry: registry.host, repository: 'bench/garbage' },
      { os: 'linux', architecture: 'amd64' },
      'garbage',
      '1',
    );
    const url = `http://${registry.host}/v2/bench/garbage/manifests/1`;
    const agent = new http.Agent({ keepAlive: true });
    const ref = {
      registry: registry.host,
      repository: 'bench/garbage',
      tag: '1',
    };
    const clients: Record<string, () => Promise<void>> = {
      'OciRegistryClient.headManifest': async () => {
        await client.headManifest(ref);
      },
      fetch: async () => {
        const res = await fetch(url, {
          method: 'HEAD',
          headers: { Accept: ACCEPT },
        });
        await res.arrayBuffer();
      },
      'undici.request': async () => {
        const res = await undiciRequest(url, {
          method: 'HEAD',
          headers: { Accept: ACCEPT },
        });
        await res.body.dump();
      },
      'node:http, keep-alive': () =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(
            url,
            { method: 'HEAD', agent, headers: { Accept: ACCEPT } },
            res => {
              res.resume();
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          req.end();
        }),
    };
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await knex.schema.createTable('rows', t => {
      t.string('id').primary();
      t.bigInteger('seen');
    });
    await knex('rows').insert({ id: 'one', seen: 0 });
    let seen = 0;
    clients['knex, SELECT and UPDATE'] = async () => {
      await knex('rows').where({ id: 'one' }).first();
      await knex('rows').where({ id: 'one' }).update({ seen: ++seen });
    };
    clients['knex, the same in a transaction'] = () =>
      knex.transaction(async tx => {
        await tx('rows').where({ id: 'one' }).first();
        await tx('rows').where({ id: 'one' }).update({ seen: ++seen });
      });
    for (const [name, head] of Object.entries(clients)) {
      for (let i = 0; i < 300; i++) await head();
      gc();
      await new Promise(resolve => setImmediate(resolve));
      // The old space only grows by what survives young collections (and
      // shrinks at full ones): summing its increases counts every byte
      // promoted, whether or not a full collection ran meanwhile.
      let promoted = 0;
      let last = oldSpace();
      for (let i = 0; i < OPERATIONS; i++) {
        await head();
        const now = oldSpace();
        if (now > last) promoted += now - last;
        last = now;
      }
      process.stdout.write(
        `${name.padEnd(32)} ${(promoted / 1048576).toFixed(
          1,
        )} MB into the old space, ${(promoted / OPERATIONS / 1024).toFixed(
          1,
        )} KB each\n`,
      );
    }
    agent.destroy();
    await knex.destroy();
  } finally {
    await registry.stop();
  }
}

main().then(
  () => process.exit(0), // keep-alive sockets would hold the process
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
