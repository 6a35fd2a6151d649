import type {
  ChangeImageRequest,
  EnrollImageRequest,
  Enrollment,
  EnrollmentAction,
  EnrollmentList,
  EnrollmentResponse,
  EnrollmentState,
  ImageFactoryStatus,
  UnenrollImageRequest,
} from '@image-factory/plugin-image-factory-common';
import type { ImageFactoryApi } from '../api';
import { enrollmentFixture } from './enrollments';

/** What one `getStatus()` call does: resolve, reject, or never settle. */
export type StatusResult = ImageFactoryStatus | Error | 'pending';

/** What a write call does instead of its default: reject, or never settle. */
export type WriteResult = Error | 'pending';

/** A write request as the backend would receive it. */
export interface RecordedRequest {
  action: EnrollmentAction;
  /** The image name in the path (un-enroll and change). */
  name?: string;
  body: unknown;
}

function settle<T>(result: T | Error | 'pending'): Promise<T> {
  if (result === 'pending') {
    return new Promise(() => {});
  }
  if (result instanceof Error) {
    return Promise.reject(result);
  }
  return Promise.resolve(JSON.parse(JSON.stringify(result)));
}

/**
 * An ImageFactoryApi that answers from a script: the n-th status call gets the
 * n-th result, and the last result repeats. Change requests behave like the
 * backend's: each opens a pull request, and one for the same action and image
 * while that is still open is returned with `reused: true`; `writeResults`
 * makes the next writes fail or hang instead.
 */
export class InMemoryImageFactoryApi implements ImageFactoryApi {
  private readonly results: StatusResult[];
  calls = 0;
  /** Change requests, newest first. */
  enrollments: Enrollment[] = [];
  /** Every write request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Consumed one per write call, before the default behaviour. */
  writeResults: WriteResult[] = [];
  /** The `state` of each `listEnrollments` call, in order. */
  readonly listCalls: Array<EnrollmentState | undefined> = [];
  /** What `listEnrollments` does instead of answering from `enrollments`. */
  listResult?: WriteResult;

  constructor(...results: StatusResult[]) {
    if (results.length === 0) {
      throw new Error('InMemoryImageFactoryApi needs at least one result');
    }
    this.results = results;
  }

  getStatus(): Promise<ImageFactoryStatus> {
    const result = this.results[Math.min(this.calls, this.results.length - 1)];
    this.calls += 1;
    return settle(result);
  }

  listEnrollments(
    options: { state?: EnrollmentState } = {},
  ): Promise<EnrollmentList> {
    this.listCalls.push(options.state);
    if (this.listResult) {
      return settle<EnrollmentList>(this.listResult);
    }
    return settle({
      items: this.enrollments.filter(
        e => !options.state || e.state === options.state,
      ),
    });
  }

  getEnrollment(id: string): Promise<Enrollment> {
    const found = this.enrollments.find(e => e.id === id);
    return settle(found ?? new Error(`No enrollment with id '${id}'`));
  }

  enroll(request: EnrollImageRequest): Promise<EnrollmentResponse> {
    return this.write({ action: 'enroll', body: request }, request.image.name, {
      entry: request.image as Record<string, unknown>,
      reason: request.reason,
    });
  }

  unenrollImage(
    name: string,
    request: UnenrollImageRequest = {},
  ): Promise<EnrollmentResponse> {
    return this.write({ action: 'unenroll', name, body: request }, name, {
      reason: request.reason,
    });
  }

  changeImage(
    name: string,
    request: ChangeImageRequest,
  ): Promise<EnrollmentResponse> {
    return this.write({ action: 'change', name, body: request }, name, {
      reason: request.reason,
    });
  }

  private write(
    recorded: RecordedRequest,
    imageName: string,
    fields: Partial<Enrollment>,
  ): Promise<EnrollmentResponse> {
    this.requests.push(JSON.parse(JSON.stringify(recorded)));
    const scripted = this.writeResults.shift();
    if (scripted) {
      return settle<EnrollmentResponse>(scripted);
    }
    const open = this.enrollments.find(
      e =>
        e.state === 'open' &&
        e.action === recorded.action &&
        e.imageName === imageName,
    );
    if (open) {
      return settle({ enrollment: open, reused: true });
    }
    const number =
      Math.max(0, ...this.enrollments.map(e => e.pullRequest.number)) + 1;
    const enrollment = enrollmentFixture(
      { action: recorded.action, imageName, ...fields },
      number,
    );
    this.enrollments.unshift(enrollment);
    return settle({ enrollment, reused: false });
  }
}
