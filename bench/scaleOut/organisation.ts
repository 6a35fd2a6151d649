import { PlacementCandidate } from '../../plugins/image-factory-backend/src/builds/placement';
import { DOCKER_HUB, ScenarioParams } from './params';
import { Random, zipfCdf } from './random';

export const AMD64 = 'linux/amd64';
export const ARM64 = 'linux/arm64';
export const S390X = 'linux/s390x';

/** An external base reference the factory watches. */
export interface Base {
  id: number;
  host: string;
  /** New digests per day (Poisson). */
  updatesPerDay: number;
  /** Images whose Dockerfile names it (FROM or a builder stage). */
  dependents: number[];
}

/** An image the factory builds. */
export interface Image {
  id: number;
  /** External bases it is built FROM. */
  bases: number[];
  /** The golden image (a factory-built base) it is built FROM, if any. */
  upstream?: number;
  /** Images built FROM it (when it is a golden image). */
  dependents: number[];
  platforms: string[];
  /** Its native build time of one platform, seconds. */
  nativeSeconds: number;
}

export interface Organisation {
  bases: Base[];
  images: Image[];
  /** Golden images first, then the rest: the planner's dependency order. */
  order: number[];
  executors: PlacementCandidate[];
  concurrency: number;
}

function platformsFor(random: Random): string[] {
  // assumed: most images are amd64 only; some add arm64 (Graviton, Apple
  // silicon developers); a few also s390x (mainframe customers).
  const x = random.uniform();
  if (x < 0.7) return [AMD64];
  if (x < 0.9) return [AMD64, ARM64];
  return [AMD64, ARM64, S390X];
}

/** Builds the organisation of a scenario: bases, images, executor hosts. */
export function createOrganisation(params: ScenarioParams): Organisation {
  const random = new Random(params.seed);
  const hostCdf = new Float64Array(params.registries.length);
  let sum = 0;
  params.registries.forEach((r, i) => {
    sum += r.share;
    hostCdf[i] = sum;
  });
  for (let i = 0; i < hostCdf.length; i++) hostCdf[i] /= sum;
  const { top, mid, tail } = params.updatesPerDay;
  const bases: Base[] = Array.from({ length: params.bases }, (_, id) => ({
    id,
    // The most used base is on Docker Hub: the emergency's CVE is in it.
    host: id === 0 ? DOCKER_HUB : params.registries[random.pick(hostCdf)].host,
    updatesPerDay:
      id < params.topBases ? top : id < params.midBases ? mid : tail,
    dependents: [],
  }));

  const baseCdf = zipfCdf(params.bases, params.zipfExponent);
  const golden = Math.max(
    params.fromInternalShare > 0 ? 1 : 0,
    Math.round(params.images * params.internalBaseShare),
  );
  const goldenCdf = zipfCdf(Math.max(golden, 1), params.zipfExponent);
  const images: Image[] = [];
  for (let id = 0; id < params.images; id++) {
    const isGolden = id < golden;
    const image: Image = {
      id,
      bases: [],
      dependents: [],
      platforms: isGolden
        ? random.uniform() < 0.6
          ? [AMD64, ARM64]
          : [AMD64, ARM64, S390X]
        : platformsFor(random),
      nativeSeconds:
        60 *
        Math.min(
          60,
          Math.max(
            0.5,
            random.logNormal(params.buildMedianMinutes, params.buildSigma),
          ),
        ),
    };
    if (
      !isGolden &&
      golden > 0 &&
      random.uniform() < params.fromInternalShare
    ) {
      const upstream = images[random.pick(goldenCdf)];
      image.upstream = upstream.id;
      image.platforms = image.platforms.filter(p =>
        upstream.platforms.includes(p),
      );
      upstream.dependents.push(id);
    } else {
      image.bases.push(random.pick(baseCdf));
    }
    if (random.uniform() < params.builderStageShare) {
      const builder = random.pick(baseCdf);
      if (!image.bases.includes(builder)) image.bases.push(builder);
    }
    images.push(image);
  }
  // Every base reference is used by at least one image: an unused one is
  // given to an image as its builder stage.
  const used = new Set(images.flatMap(i => i.bases));
  for (const base of bases) {
    if (used.has(base.id)) continue;
    const image =
      images[golden + Math.floor(random.uniform() * (params.images - golden))];
    image.bases.push(base.id);
    used.add(base.id);
  }
  for (const image of images) {
    for (const b of image.bases) bases[b].dependents.push(image.id);
  }

  const executors: PlacementCandidate[] = [];
  for (let h = 0; h < params.hosts; h++) {
    const arm = h >= params.hosts - params.arm64Hosts;
    executors.push(
      arm
        ? {
            id: `arm64-${h}`,
            platforms: [ARM64],
            emulatedPlatforms: [],
            concurrency: params.hostConcurrency,
          }
        : {
            id: `amd64-${h}`,
            platforms: [AMD64, ARM64, S390X],
            emulatedPlatforms: [ARM64, S390X],
            concurrency: params.hostConcurrency,
          },
    );
  }
  const order = [
    ...images.filter(i => i.id < golden).map(i => i.id),
    ...images.filter(i => i.id >= golden).map(i => i.id),
  ];
  return {
    bases,
    images,
    order,
    executors,
    concurrency: params.hostConcurrency,
  };
}
