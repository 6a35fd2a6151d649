import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ChangeImageRequest,
  EnrollImageRequest,
  Enrollment,
  EnrollmentList,
  EnrollmentResponse,
  EnrollmentState,
  ImageFactoryStatus,
  UnenrollImageRequest,
} from '@image-factory/plugin-image-factory-common';
import type { ImageFactoryApi } from './ImageFactoryApi';

/**
 * Talks to the Image Factory backend plugin (`pluginId: 'image-factory'`).
 *
 * @public
 */
export class ImageFactoryClient implements ImageFactoryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /**
   * Fetches `GET /api/image-factory/status` with the user's token. Throws a
   * `ResponseError` when the backend answers with an error status.
   */
  async getStatus(): Promise<ImageFactoryStatus> {
    return this.request<ImageFactoryStatus>('GET', '/status');
  }

  /** {@inheritDoc ImageFactoryApi.enroll} */
  async enroll(request: EnrollImageRequest): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>('POST', '/enrollments', request);
  }

  /** {@inheritDoc ImageFactoryApi.listEnrollments} */
  async listEnrollments(
    options: { state?: EnrollmentState } = {},
  ): Promise<EnrollmentList> {
    const query = options.state
      ? `?${new URLSearchParams({ state: options.state })}`
      : '';
    return this.request<EnrollmentList>('GET', `/enrollments${query}`);
  }

  /** {@inheritDoc ImageFactoryApi.getEnrollment} */
  async getEnrollment(id: string): Promise<Enrollment> {
    return this.request<Enrollment>(
      'GET',
      `/enrollments/${encodeURIComponent(id)}`,
    );
  }

  /** {@inheritDoc ImageFactoryApi.unenrollImage} */
  async unenrollImage(
    name: string,
    request: UnenrollImageRequest = {},
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>(
      'POST',
      `/images/${encodeURIComponent(name)}/unenroll`,
      request,
    );
  }

  /** {@inheritDoc ImageFactoryApi.changeImage} */
  async changeImage(
    name: string,
    request: ChangeImageRequest,
  ): Promise<EnrollmentResponse> {
    return this.request<EnrollmentResponse>(
      'POST',
      `/images/${encodeURIComponent(name)}/changes`,
      request,
    );
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('image-factory');
    // fetchApi, not the global fetch: it adds the user's token, which every route requires.
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
