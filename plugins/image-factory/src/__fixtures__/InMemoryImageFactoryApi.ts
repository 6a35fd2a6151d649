import type { ImageFactoryStatus } from '@image-factory/plugin-image-factory-common';
import type { ImageFactoryApi } from '../api';

/** What one `getStatus()` call does: resolve, reject, or never settle. */
export type StatusResult = ImageFactoryStatus | Error | 'pending';

/**
 * An ImageFactoryApi that answers from a script: the n-th call gets the n-th
 * result, and the last result repeats.
 */
export class InMemoryImageFactoryApi implements ImageFactoryApi {
  private readonly results: StatusResult[];
  calls = 0;

  constructor(...results: StatusResult[]) {
    if (results.length === 0) {
      throw new Error('InMemoryImageFactoryApi needs at least one result');
    }
    this.results = results;
  }

  getStatus(): Promise<ImageFactoryStatus> {
    const result = this.results[Math.min(this.calls, this.results.length - 1)];
    this.calls += 1;
    if (result === 'pending') {
      return new Promise(() => {});
    }
    if (result instanceof Error) {
      return Promise.reject(result);
    }
    return Promise.resolve(JSON.parse(JSON.stringify(result)));
  }
}
