interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

/**
 * The discrete-event clock: a binary heap of callbacks by time, ties broken
 * by the order they were scheduled in (so a run is deterministic).
 */
export class EventQueue {
  private readonly heap: Scheduled[] = [];
  private seq = 0;
  /** Simulated seconds since the start. */
  now = 0;
  /** Events run so far. */
  processed = 0;

  /** Runs `run` at `at` (never earlier than now). */
  at(at: number, run: () => void): void {
    this.push({ at: Math.max(at, this.now), seq: this.seq++, run });
  }

  /** Runs `run` after `seconds`. */
  after(seconds: number, run: () => void): void {
    this.at(this.now + seconds, run);
  }

  /** Runs events in order until none is left or the next is after `until`. */
  runUntil(until: number): void {
    while (this.heap.length > 0 && this.heap[0].at <= until) {
      const event = this.pop();
      this.now = event.at;
      this.processed++;
      event.run();
    }
    this.now = Math.max(this.now, until);
  }

  get size(): number {
    return this.heap.length;
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(item: Scheduled) {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Scheduled {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.less(heap[left], heap[smallest]))
          smallest = left;
        if (right < heap.length && this.less(heap[right], heap[smallest]))
          smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
