export * from './parseWheelsFile';
export * from './requirement';
export { wheelSetSchema, type WheelSet } from './wheelSetSchema';
