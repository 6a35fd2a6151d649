/*
 * A memory cgroup for one bench process: the limit a container gives a
 * backend. Node reads it at start (process.constrainedMemory()) and sizes
 * its heap to it, as it does in a container; a process that needs more than
 * the limit is killed by the kernel, as in a container.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'fs';
import path from 'path';

/** A cgroup made for one process, and how to put a process in it. */
export interface MemoryCgroup {
  /** The file a process writes its pid to (`echo $$ > procs`) to join. */
  procs: string;
  limitBytes: number;
  /** Removes the cgroup once its processes have exited. */
  remove(): void;
}

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';

/**
 * Makes a cgroup limited to `limitBytes` of memory, under the cgroup v1
 * memory controller or cgroup v2, or returns undefined where this process
 * may not (not root, no memory controller, a read-only cgroup fs).
 */
export function memoryCgroup(
  name: string,
  limitBytes: number,
): MemoryCgroup | undefined {
  const attempts: Array<[string, string]> = [
    [V1, 'memory.limit_in_bytes'],
    [V2, 'memory.max'],
  ];
  for (const [root, limitFile] of attempts) {
    const v2 = root === V2;
    if (v2 && !hasV2Memory()) continue;
    if (!v2 && !existsSync(path.join(V1, 'memory.limit_in_bytes'))) continue;
    const dir = path.join(root, `${name}-${process.pid}`);
    try {
      if (v2) writeFileSync(path.join(V2, 'cgroup.subtree_control'), '+memory');
      mkdirSync(dir);
      try {
        writeFileSync(path.join(dir, limitFile), String(limitBytes));
      } catch (e) {
        rmdirSync(dir);
        throw e;
      }
    } catch {
      continue;
    }
    return {
      procs: path.join(dir, 'cgroup.procs'),
      limitBytes,
      remove: () => rmdirSync(dir),
    };
  }
  return undefined;
}

function hasV2Memory(): boolean {
  try {
    return readFileSync(path.join(V2, 'cgroup.controllers'), 'utf8')
      .split(/\s+/)
      .includes('memory');
  } catch {
    return false;
  }
}
