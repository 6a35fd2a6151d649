import {
  AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import permissionBackendPlugin from '@backstage/plugin-permission-backend';
import { imageFactoryPromotePermission } from '@image-factory/plugin-image-factory-common';
import request from 'supertest';
import {
  createImageFactoryStageConditionalDecision,
  imageFactoryStageConditions,
} from '../permissions/stageConditions';
import { startRouteTestFixture } from './__testUtils__/startRouteTestBackend';

jest.setTimeout(90_000);

/**
 * The policy of the backend README: release managers promote anywhere,
 * everyone else into dev and staging only — a conditional decision that
 * Backstage's permission backend sends back to the plugin to apply to the
 * stage.
 */
class ProdForReleaseManagers implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!isPermission(query.permission, imageFactoryPromotePermission)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (user?.info.userEntityRef === 'user:default/release-manager') {
      return { result: AuthorizeResult.ALLOW };
    }
    return createImageFactoryStageConditionalDecision(
      query.permission,
      imageFactoryStageConditions.isStage({ stages: ['dev', 'staging'] }),
    );
  }
}

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'prod-for-release-managers',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new ProdForReleaseManagers());
      },
    });
  },
});

const SERVICE_TOKEN = 'mock-service-token:';

/**
 * Mock tokens, but a plugin calling on behalf of a user is that user with
 * the plugin as actor, as Backstage's own auth makes it: the permission
 * backend's call to apply the conditions is refused otherwise.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getPluginRequestToken: o => inner.getPluginRequestToken(o),
      getLimitedUserToken: c => inner.getLimitedUserToken(c),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async authenticate(token, options) {
        const credentials = await inner.authenticate(token, options);
        if (token.startsWith(SERVICE_TOKEN)) {
          const { sub, obo } = JSON.parse(token.slice(SERVICE_TOKEN.length));
          if (obo) {
            return mockCredentials.user(obo, { actor: { subject: sub } });
          }
        }
        return credentials;
      },
    } as AuthService;
  },
});

describe('stage permissions through the real permission backend', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: Awaited<ReturnType<typeof startRouteTestFixture>>;

  beforeAll(async () => {
    backend = await startRouteTestFixture({
      knex: await databases.init('SQLITE_3'),
      images: [
        '  - name: web',
        '    type: external',
        '    owner: team-web',
        '    reference: 127.0.0.1:9/apps/web:1',
        '    platforms: [linux/amd64]',
        '    stages: [dev, staging, prod]',
      ],
      config: { permission: { enabled: true } },
      httpAuth: httpAuthServiceFactory,
      features: [
        authWithActors,
        permissionsServiceFactory,
        permissionBackendPlugin,
        policyModule,
      ],
    });
  });

  afterAll(() => backend?.stop());

  const move = (stage: string, user: string, action = 'promotions') =>
    request(backend.server)
      .post(`/api/image-factory/images/web/stages/${stage}/${action}`)
      .set('Authorization', mockCredentials.user.header(user))
      .send({ digest: `sha256:${'a'.repeat(64)}`, reason: 'try' });

  it('lets everyone past the permission into dev and staging, and only release managers into prod', async () => {
    // Past the permission, the request meets the next check: the factory
    // never built that digest (400). Refused by the policy: 403, naming the stage.
    for (const stage of ['dev', 'staging']) {
      const res = await move(stage, 'user:default/jane');
      expect({ stage, status: res.status }).toEqual({ stage, status: 400 });
    }
    const prod = await move('prod', 'user:default/jane');
    expect(prod.status).toBe(403);
    expect(prod.body.error.message).toBe(
      'Not allowed to promote to prod of image:default/web (permission image-factory.stage.promote on image:default/web/prod)',
    );
    const rollback = await move('prod', 'user:default/jane', 'rollback');
    expect(rollback.status).toBe(403);

    const manager = await move('prod', 'user:default/release-manager');
    expect(manager.status).toBe(400);
  });
});
