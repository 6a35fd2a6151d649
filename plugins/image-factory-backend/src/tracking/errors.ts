import { CustomErrorBase } from '@backstage/errors';

/** Images that build FROM each other, so that no rebuild order exists. */
export class DependencyCycleError extends CustomErrorBase {
  name = 'DependencyCycleError' as const;
  readonly transient: boolean = false;
  /** Each cycle's members (entity refs), sorted. */
  readonly cycles: string[][];

  constructor(cycles: string[][]) {
    super(
      `Images build FROM each other, so no rebuild order exists; cycles: ${cycles
        .map(c => `[${c.join(', ')}]`)
        .join('; ')}`,
    );
    this.cycles = cycles;
  }
}
