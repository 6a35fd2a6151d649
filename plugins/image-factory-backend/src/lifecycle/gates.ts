import { ImageEntityV1alpha1 } from '@image-factory/plugin-image-factory-common';
import { StagePolicy } from './stagePolicies';

/** The outcome of a stage's checks for one digest. */
export interface StageVerificationOutcome {
  passed: boolean;
  /** One line a person reads, e.g. `smoke on linux/s390x exited 3`. */
  summary: string;
}

/**
 * Runs a stage's `verify` checks for a digest. A pass certifies that exact
 * digest for that stage.
 */
export interface StageVerifier {
  /** The id of a passed verification of the digest for the stage, if any. */
  passed(
    image: ImageEntityV1alpha1,
    stage: StagePolicy,
    digest: string,
  ): Promise<string | undefined>;
  /**
   * Starts the checks; resolves once they are recorded as started, with
   * their outcome to come.
   */
  start(request: {
    image: ImageEntityV1alpha1;
    stage: StagePolicy;
    digest: string;
    requestedBy?: string;
  }): Promise<{ id: string; outcome: Promise<StageVerificationOutcome> }>;
  /**
   * Whether a verification is still run by a live backend (this one or
   * another replica): a move waiting on it is left to that backend.
   */
  isLive?(id: string): Promise<boolean>;
}

/** Told when a version entered a stage, e.g. to open update pull requests. */
export type StageEnteredListener = (event: {
  image: ImageEntityV1alpha1;
  stage: StagePolicy;
  digest: string;
  previousDigest?: string;
}) => Promise<void>;
