import { BuildFailureLocation } from '../errors';
import { BuildKitStatus, decodeBuildKitStatus } from './statusResponse';
import { VertexLocator } from './vertexLocation';

interface VertexState {
  number: number;
  name: string;
  announced: boolean;
  finished: boolean;
  started?: number;
  partial: string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
/** BuildKit's vertex for `cachefrom`; it fails harmlessly when the image does not exist yet. */
const CACHE_IMPORT = /^importing cache manifest from /;

/**
 * Turns BuildKit's status stream into log lines in the form `docker buildx
 * build --progress=plain` prints: `#5 [build 2/3] RUN make`, the step's
 * output as `#5 1.204 …`, then `#5 CACHED`, `#5 DONE 2.1s` or `#5 ERROR: …`.
 * Remembers the failed step, to say where a build failed.
 */
export class BuildKitProgress {
  private readonly vertexes = new Map<string, VertexState>();
  private readonly statusesDone = new Set<string>();
  private failed?: { name: string; error: string };
  private readonly locator: VertexLocator;

  constructor(
    dockerfileText: string,
    private readonly emit: (line: string) => void,
  ) {
    this.locator = new VertexLocator(dockerfileText);
  }

  /** Handles the base64 `aux` of one `moby.buildkit.trace` message. */
  handleTrace(aux: string): void {
    let status: BuildKitStatus;
    try {
      status = decodeBuildKitStatus(aux);
    } catch {
      return; // a newer engine's message this decoder cannot read: skip it
    }
    for (const v of status.vertexes) {
      const state = this.vertex(v.digest, v.name);
      if (v.started !== undefined) state.started ??= v.started;
      if (!state.announced && (v.started !== undefined || v.cached)) {
        this.announce(state);
      }
      if (state.finished) continue;
      if (v.cached) {
        this.announce(state);
        this.emit(`#${state.number} CACHED`);
        state.finished = true;
      } else if (v.error && CACHE_IMPORT.test(state.name)) {
        // No earlier image to take cache from (a first build): not a failure.
        this.announce(state);
        this.emit(`#${state.number} no cache to import: ${v.error}`);
        state.finished = true;
      } else if (v.error) {
        this.announce(state);
        this.flushPartial(state);
        this.emit(`#${state.number} ERROR: ${v.error}`);
        this.failed ??= { name: v.name, error: v.error };
        state.finished = true;
      } else if (v.completed !== undefined) {
        this.announce(state);
        this.flushPartial(state);
        const took = v.started !== undefined ? v.completed - v.started : 0;
        this.emit(`#${state.number} DONE ${seconds(took)}s`);
        state.finished = true;
      }
    }
    for (const s of status.statuses) {
      if (s.completed === undefined || this.statusesDone.has(s.id)) continue;
      this.statusesDone.add(s.id);
      const state = this.vertex(s.vertex);
      this.announce(state);
      const size =
        s.total > 0 ? ` ${(s.total / 1024 / 1024).toFixed(1)}MB` : '';
      this.emit(`#${state.number} ${s.id}${size} done`);
    }
    for (const log of status.logs) {
      const state = this.vertex(log.vertex);
      this.announce(state);
      const text = state.partial + log.msg.toString('utf8');
      const lines = text.split('\n');
      state.partial = lines.pop() ?? '';
      const at =
        log.timestamp !== undefined && state.started !== undefined
          ? ` ${(Math.max(0, log.timestamp - state.started) / 1000).toFixed(3)}`
          : '';
      for (const line of lines) {
        this.emit(`#${state.number}${at} ${line.replace(/\r$/, '')}`);
      }
    }
    for (const w of status.warnings) {
      const state = this.vertex(w.vertex);
      this.announce(state);
      this.emit(`#${state.number} WARNING: ${w.short}`);
    }
  }

  /** The Dockerfile step that failed, when a vertex reported an error. */
  failure(): (BuildFailureLocation & { error: string }) | undefined {
    if (!this.failed) return undefined;
    return {
      ...this.locator.locate(this.failed.name),
      error: this.failed.error,
    };
  }

  private vertex(digest: string, name?: string): VertexState {
    let state = this.vertexes.get(digest);
    if (!state) {
      state = {
        number: this.vertexes.size + 1,
        name: name ?? digest,
        announced: false,
        finished: false,
        partial: '',
      };
      this.vertexes.set(digest, state);
    } else if (name && state.name === digest) {
      state.name = name;
    }
    return state;
  }

  private announce(state: VertexState) {
    if (state.announced) return;
    state.announced = true;
    this.emit(`#${state.number} ${state.name}`);
  }

  private flushPartial(state: VertexState) {
    if (!state.partial) return;
    this.emit(`#${state.number} ${state.partial}`);
    state.partial = '';
  }
}
