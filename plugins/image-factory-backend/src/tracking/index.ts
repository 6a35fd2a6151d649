export {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_JITTER,
  DEFAULT_RETRY_DELAY_MS,
  DigestWatcher,
} from './DigestWatcher';
export type {
  DigestChange,
  DigestCheckError,
  DigestWatcherOptions,
  DigestWatcherSummary,
  ManifestReader,
} from './DigestWatcher';
export { DEFAULT_CASCADE_MAX_DEPTH, DependencyGraph } from './DependencyGraph';
export type {
  CascadePrediction,
  CascadeStep,
  GraphImage,
  GraphNode,
} from './DependencyGraph';
export { DependencyCycleError } from './errors';
export { createSeededRandom } from './seededRandom';
export {
  referenceKey,
  storedReferenceKey,
  trackingKey,
  trackingReference,
} from './referenceKey';
export { BaseImageTracker } from './BaseImageTracker';
export { readTrackingConfig } from './readTrackingConfig';
export { RegistryBudgets } from './RegistryBudgets';
export type { RegistryBudgetConfig } from './RegistryBudgets';
export { TokenBucket } from './TokenBucket';
export { TrackingMetrics } from './TrackingMetrics';
export type { TrackingCheckResult } from './TrackingMetrics';
export type { TrackingConfig } from './readTrackingConfig';
