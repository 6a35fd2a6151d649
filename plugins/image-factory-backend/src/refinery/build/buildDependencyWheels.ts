import type { WheelPublisher } from '../WheelPublisher';

/**
 * The wheels a build installs before it runs: for each build requirement
 * the plan built in an earlier round, its wheel for this platform. One that
 * is missing (its build published nothing) fails the build, naming it.
 */
export async function buildDependencyWheels(
  publisher: Pick<WheelPublisher, 'published'>,
  needs: Array<{ project: string; version: string }>,
  platform: string,
): Promise<Array<{ filename: string; bytes: Buffer }>> {
  const wheels: Array<{ filename: string; bytes: Buffer }> = [];
  for (const need of needs) {
    const found = await publisher.published(
      need.project,
      need.version,
      platform,
    );
    if (found.length === 0) {
      throw new Error(
        `Build requirement ${need.project} ${need.version} has no wheel for ${platform} in the refinery: its build in an earlier round published none`,
      );
    }
    // One file per requirement: pip would refuse two of the same project.
    wheels.push(found[0]);
  }
  return wheels;
}
