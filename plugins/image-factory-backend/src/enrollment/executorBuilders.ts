import {
  ImageFactoryAnyExecutor,
  ImageFactoryBuilderInfo,
} from '@image-factory/plugin-image-factory-node';

/** An executor's builder, for checking a Dockerfile before it is enrolled. */
export interface ExecutorBuilder extends ImageFactoryBuilderInfo {
  executorId: string;
}

/**
 * The builder of every executor that says which it has; one that cannot
 * describe itself right now, or does not say, is left out (then nothing is
 * refused on its account).
 */
export async function executorBuilders(
  executors: ImageFactoryAnyExecutor[],
): Promise<ExecutorBuilder[]> {
  const builders = await Promise.all(
    executors.map(async executor => {
      try {
        const { builder } = await executor.describe();
        return builder ? [{ ...builder, executorId: executor.id }] : [];
      } catch {
        return [];
      }
    }),
  );
  return builders.flat();
}
