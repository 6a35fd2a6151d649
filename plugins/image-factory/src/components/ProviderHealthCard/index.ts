export { ProviderHealthCard } from './ProviderHealthCard';
