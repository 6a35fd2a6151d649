import {
  ImageFactoryAnyExecutor,
  ProviderConfig,
} from '@image-factory/plugin-image-factory-node';

/**
 * Every platform some executor builds, natively or emulated: from the
 * executor's provider config when it lists `platforms` (as placement reads
 * them), else from its own `describe()`. An executor that cannot describe
 * itself right now counts for nothing, which only makes the check ask the user
 * to confirm.
 */
export async function executorPlatforms(
  executors: ImageFactoryAnyExecutor[],
  providers: ProviderConfig[],
): Promise<Set<string>> {
  const all = new Set<string>();
  const described = await Promise.all(
    executors.map(async executor => {
      const configured = providers.find(
        p => p.kind === 'executor' && p.id === executor.id,
      )?.platforms;
      if (configured) return configured;
      try {
        return (await executor.describe()).platforms;
      } catch {
        return [];
      }
    }),
  );
  described.flat().forEach(p => all.add(p));
  return all;
}
