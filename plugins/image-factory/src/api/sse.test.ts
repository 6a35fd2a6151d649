import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses events with ids, types and data', () => {
    const parser = new SseParser();
    expect(
      parser.push(
        'id: 1\nevent: log\ndata: {"seq":1}\n\nevent: run\ndata: {"status":"running"}\n\n',
      ),
    ).toEqual([
      { event: 'log', data: '{"seq":1}', id: '1' },
      // The id persists until the next id: field.
      { event: 'run', data: '{"status":"running"}', id: '1' },
    ]);
    expect(parser.lastEventId).toBe('1');
  });

  it('joins multi-line data with newlines and keeps inner spaces', () => {
    const parser = new SseParser();
    expect(
      parser.push('data: first\ndata:  indented\ndata\ndata:last\n\n'),
    ).toEqual([{ event: 'message', data: 'first\n indented\n\nlast' }]);
  });

  it('completes events split across chunks at any point, CRLF included', () => {
    const stream =
      'id: 41\r\nevent: log\r\ndata: {"text":"é"}\r\n\r\nid: 42\revent: log\rdata: x\r\r';
    const parser0 = new SseParser();
    const whole = [...parser0.push(stream), ...parser0.push('\n')];
    expect(whole).toEqual([
      { event: 'log', data: '{"text":"é"}', id: '41' },
      { event: 'log', data: 'x', id: '42' },
    ]);
    for (let size = 1; size <= 7; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) {
        events.push(...parser.push(stream.slice(i, i + size)));
      }
      // A lone '\r' at the very end waits for a possible '\n'.
      events.push(...parser.push('\n'));
      expect(events).toEqual(whole);
      expect(parser.lastEventId).toBe('42');
    }
  });

  it('ignores comments and unknown fields, reads retry', () => {
    const parser = new SseParser();
    expect(
      parser.push(': keep-alive\n\nfoo: bar\nretry: 2500\ndata: x\n\n'),
    ).toEqual([{ event: 'message', data: 'x', retry: 2500 }]);
  });

  it('dispatches a typed event without data, and nothing for a blank block', () => {
    const parser = new SseParser();
    expect(parser.push('\n\nevent: end\n\n')).toEqual([
      { event: 'end', data: '' },
    ]);
  });

  it('resumes from the last complete event after a drop', () => {
    const parser = new SseParser();
    expect(
      parser.push('id: 7\nevent: log\ndata: a\n\nid: 8\nevent: log\ndata: b'),
    ).toEqual([{ event: 'log', data: 'a', id: '7' }]);
    // The connection dropped in the middle of event 8, which was never
    // dispatched: a reconnect asks for what follows 7.
    expect(parser.lastEventId).toBe('7');
  });
});
