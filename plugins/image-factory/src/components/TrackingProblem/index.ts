export { TrackingProblem } from './TrackingProblem';
export { explainTrackingError } from './explainTrackingError';
