export {
  PROVIDER_HEALTH_TTL_MS,
  ProviderHealthChecker,
} from './ProviderHealthChecker';
