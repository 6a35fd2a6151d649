export { RegistryBudgetCard } from './RegistryBudgetCard';
