import imageFactoryPlugin from './alpha';
import { enrollRouteRef, rootRouteRef } from './routes';

describe('image-factory plugin for the new frontend system', () => {
  it('provides the API, the page, the Image (overview, enrollment, rebuilds, upstream digest, latest versions) and Provider cards and the Builds, Versions and Dependencies tabs', () => {
    expect(imageFactoryPlugin.pluginId).toBe('image-factory');
    expect(imageFactoryPlugin.routes.root).toBe(rootRouteRef);
    expect(imageFactoryPlugin.routes.enroll).toBe(enrollRouteRef);
    // getExtension is typed by id, so a renamed extension fails tsc as well.
    expect(imageFactoryPlugin.getExtension('api:image-factory')).toBeDefined();
    expect(imageFactoryPlugin.getExtension('page:image-factory')).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-overview',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-enrollment',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-content:image-factory/image-builds',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-rebuilds',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-tracking',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-content:image-factory/image-dependencies',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-content:image-factory/image-versions',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-latest-versions',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/provider-health',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-build-overview',
      ),
    ).toBeDefined();
    expect(
      imageFactoryPlugin.getExtension(
        'entity-card:image-factory/image-build-inputs',
      ),
    ).toBeDefined();
  });
});
