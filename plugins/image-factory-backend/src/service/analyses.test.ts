import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { imageFactoryPlugin } from '../plugin';

describe('POST /api/image-factory/analyses', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        imageFactoryPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            imageFactory: { images: { location: '/nonexistent/images.yaml' } },
          },
        }),
      ],
    });
    return server;
  }

  it('returns the bases of a multi-stage Dockerfile', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/image-factory/analyses')
      .set('Authorization', mockCredentials.user.header())
      .send({
        file: 'web/Dockerfile',
        dockerfile:
          'ARG V=22\nFROM node:${V} AS build\nFROM gcr.io/distroless/nodejs22\nCOPY --from=build /a /a\n',
        buildArgs: { V: '20' },
      });
    expect(res.status).toBe(200);
    expect(res.body.bases.map((b: any) => b.reference)).toEqual([
      'docker.io/library/node:20',
      'gcr.io/distroless/nodejs22',
    ]);
    expect(res.body.errors).toEqual([]);
  });

  it('answers 200 with errors that name the line for a bad reference', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/image-factory/analyses')
      .set('Authorization', mockCredentials.user.header())
      .send({ dockerfile: 'FROM Node:22\n' });
    expect(res.status).toBe(200);
    expect(res.body.errors[0].message).toMatch(
      /^Dockerfile:1: 'Node:22' is not a valid image reference/,
    );
  });

  it('refuses a bad body with 400 naming each field', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/image-factory/analyses')
      .set('Authorization', mockCredentials.user.header())
      .send({ buildArgs: { '1X': 'a' }, platform: 'linux', extra: true });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toBe(
      "Invalid request body: dockerfile: is required; buildArgs[\"1X\"]: build arg names must be valid identifiers; platform: must be 'os/arch' or 'os/arch/variant'; extra: is not a known field",
    );
  });

  it('needs a token', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/image-factory/analyses')
      .send({ dockerfile: 'FROM alpine\n' });
    expect(res.status).toBe(401);
  });
});
