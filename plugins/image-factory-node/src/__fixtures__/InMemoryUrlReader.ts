import {
  UrlReaderService,
  UrlReaderServiceReadUrlResponse,
} from '@backstage/backend-plugin-api';
import { NotFoundError, NotImplementedError } from '@backstage/errors';

/**
 * A UrlReaderService that serves files from memory, for tests that read
 * `images.yaml` from a URL without a network.
 */
export class InMemoryUrlReader implements UrlReaderService {
  readonly reads: string[] = [];
  private readonly files = new Map<string, { text: string; etag: string }>();

  set(url: string, text: string, etag = `etag-${this.files.size + 1}`): this {
    this.files.set(url, { text, etag });
    return this;
  }

  async readUrl(url: string): Promise<UrlReaderServiceReadUrlResponse> {
    this.reads.push(url);
    const file = this.files.get(url);
    if (!file) {
      throw new NotFoundError(`${url} not found`);
    }
    return {
      buffer: async () => Buffer.from(file.text, 'utf8'),
      etag: file.etag,
    };
  }

  async readTree(): Promise<never> {
    throw new NotImplementedError('readTree is not used by the Image Factory');
  }

  async search(): Promise<never> {
    throw new NotImplementedError('search is not used by the Image Factory');
  }
}
