/** One Server-Sent Event, as dispatched by {@link SseParser}. */
export interface SseEvent {
  /** The `event:` field; `message` when the event named none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far (ids persist across events). */
  id?: string;
  /** The `retry:` field of this event, in milliseconds. */
  retry?: number;
}

/**
 * An incremental parser of the `text/event-stream` format
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * feed it decoded chunks as they arrive, in any split, and it returns the
 * events completed by each chunk.
 *
 * One deviation from the spec: an event with a type but no `data:` line is
 * dispatched (with empty data) rather than dropped, so that a bare
 * `event: end` still ends the stream.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private retry?: number;
  private sawField = false;
  private idBuffer?: string;
  /**
   * The id of the last complete event, to send back as `Last-Event-ID` on a
   * reconnect; an event cut off by a dropped connection does not count.
   */
  lastEventId?: string;

  /** Parses a chunk and returns the events it completed, in order. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const match = /\r\n|\r|\n/g;
      match.lastIndex = start;
      const found = match.exec(this.buffer);
      if (!found) {
        break;
      }
      // A trailing '\r' may be the first half of a '\r\n' split across chunks.
      if (found[0] === '\r' && found.index === this.buffer.length - 1) {
        break;
      }
      const line = this.buffer.slice(start, found.index);
      start = found.index + found[0].length;
      const event = this.line(line);
      if (event) {
        events.push(event);
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      return undefined; // a comment, e.g. a keep-alive
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.data.push(value);
        this.sawField = true;
        break;
      case 'event':
        this.eventType = value;
        this.sawField = true;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.idBuffer = value;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) {
          this.retry = Number(value);
        }
        break;
      default:
        break; // unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    this.lastEventId = this.idBuffer;
    const event: SseEvent | undefined = this.sawField
      ? {
          event: this.eventType || 'message',
          data: this.data.join('\n'),
          ...(this.idBuffer !== undefined && { id: this.idBuffer }),
          ...(this.retry !== undefined && { retry: this.retry }),
        }
      : undefined;
    this.data = [];
    this.eventType = '';
    this.retry = undefined;
    this.sawField = false;
    return event;
  }
}
