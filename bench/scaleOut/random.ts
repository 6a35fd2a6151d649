import { createSeededRandom } from '../../plugins/image-factory-backend/src/tracking/seededRandom';

/**
 * The simulation's only source of chance: one seeded generator (the same
 * mulberry32 the tracking tests use), so a scenario and a seed always give the
 * same figures.
 */
export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = createSeededRandom(seed);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Exponentially distributed with the given mean (Poisson inter-arrival times). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal with the given median and shape (σ of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    // Box-Muller; one of the pair is enough here.
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }

  /** One index of `cdf` (cumulative weights ending at 1), by binary search. */
  pick(cdf: Float64Array): number {
    const x = this.next();
    let low = 0;
    let high = cdf.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cdf[mid] > x) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/**
 * Cumulative weights of a Zipf distribution over `n` ranks: rank k is used
 * in proportion to 1/(k+1)^s. With s = 1 and 1,500 bases the top one is
 * used by about 1 in 8 images, the shape `yarn bench:tracking` generates (one
 * base used by half the images, one by a twentieth, a long tail of a few).
 */
export function zipfCdf(n: number, exponent: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, exponent);
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k] /= sum;
  cdf[n - 1] = 1;
  return cdf;
}

/** The q-quantile (0..1) of `values` (nearest rank); NaN when empty. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(q * sorted.length) - 1),
  );
  return sorted[rank];
}
