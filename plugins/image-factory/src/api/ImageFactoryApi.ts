import { createApiRef } from '@backstage/core-plugin-api';
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

/**
 * The Image Factory backend as the frontend sees it.
 *
 * @public
 */
export interface ImageFactoryApi {
  /**
   * The factory's operational status: the state of `images.yaml` and the
   * configured providers (`GET /api/image-factory/status`).
   */
  getStatus(): Promise<ImageFactoryStatus>;

  /**
   * Asks for a new `images.yaml` entry (`POST /api/image-factory/enrollments`):
   * the backend opens a pull request, or returns the open one for the same
   * change with `reused: true`.
   */
  enroll(request: EnrollImageRequest): Promise<EnrollmentResponse>;

  /**
   * The change requests, newest first (`GET /api/image-factory/enrollments`),
   * optionally only those in one state.
   */
  listEnrollments(options?: {
    state?: EnrollmentState;
  }): Promise<EnrollmentList>;

  /** One change request (`GET /api/image-factory/enrollments/:id`). */
  getEnrollment(id: string): Promise<Enrollment>;

  /**
   * Asks for an image to be removed from `images.yaml`
   * (`POST /api/image-factory/images/:name/unenroll`).
   */
  unenrollImage(
    name: string,
    request?: UnenrollImageRequest,
  ): Promise<EnrollmentResponse>;

  /**
   * Asks for fields of an image's entry to change, `null` removing an optional
   * field (`POST /api/image-factory/images/:name/changes`).
   */
  changeImage(
    name: string,
    request: ChangeImageRequest,
  ): Promise<EnrollmentResponse>;
}

/**
 * Reference to the {@link ImageFactoryApi}.
 *
 * @public
 */
export const imageFactoryApiRef = createApiRef<ImageFactoryApi>({
  id: 'plugin.image-factory.service',
});
