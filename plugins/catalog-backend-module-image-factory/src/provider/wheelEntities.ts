import {
  IMAGE_FACTORY_API_VERSION,
  RefineryWheelSummary,
  WheelEntityV1alpha1,
} from '@image-factory/plugin-image-factory-common';

/** Catalog entity names are at most 63 characters. */
const MAX_NAME = 63;

/**
 * The Wheel entity of a project the refinery built or tried to build: its
 * versions, the targets it was built for, the state of its latest builds,
 * the sets that asked for it (their owner owns it) and the builder images.
 */
export function wheelToEntity(
  wheel: RefineryWheelSummary,
  fallbackOwner: string,
): WheelEntityV1alpha1 {
  // A PEP 503 name is lowercase letters, digits and dashes: a valid entity name.
  const name = wheel.project.slice(0, MAX_NAME).replace(/-+$/, '');
  const targets = [
    ...new Map(
      wheel.latest.map(j => [
        `${j.python} ${j.platform}`,
        { python: j.python, platform: j.platform },
      ]),
    ).values(),
  ];
  const location = `url:image-factory:refinery/wheels/${wheel.project}`;
  return {
    apiVersion: IMAGE_FACTORY_API_VERSION,
    kind: 'Wheel',
    metadata: {
      name,
      title: wheel.project,
      description: `Wheels of ${
        wheel.project
      } built from source by the refinery${
        targets.length
          ? ` for ${targets.map(t => `${t.python} ${t.platform}`).join(', ')}`
          : ''
      }`,
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
    spec: {
      package: wheel.project,
      owner: wheel.owner ?? fallbackOwner,
      versions: wheel.versions,
      targets,
      status: wheel.status,
      sets: wheel.sets,
      builtWith: [...new Set(Object.values(wheel.builders))].sort(),
      ...(wheel.builderImages?.length && {
        builderImages: wheel.builderImages,
      }),
    },
  };
}
