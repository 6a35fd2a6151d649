export * from './fieldMessages';
