import { expect, Page, WebSocket } from '@playwright/test';

/**
 * Follows the page's signals websocket. Backstage's SignalClient gives up a
 * connection attempt after 1 s and tries again 5 s later, and a signal sent
 * in between is lost; on a loaded machine the first attempt often fails.
 * A test asserting a live update waits for `subscribed(channel)` first.
 */
export function followSignals(page: Page) {
  const open = new Map<WebSocket, Set<string>>();
  page.on('websocket', ws => {
    if (!ws.url().endsWith('/api/signals')) return;
    open.set(ws, new Set());
    ws.on('framesent', frame => {
      try {
        const message = JSON.parse(String(frame.payload));
        if (message.action === 'subscribe') open.get(ws)?.add(message.channel);
      } catch {
        // Not a JSON frame: nothing to follow.
      }
    });
    ws.on('close', () => open.delete(ws));
  });
  return {
    /** Waits until an open signals websocket has subscribed to `channel`. */
    async subscribed(channel: string) {
      await expect
        .poll(
          () =>
            [...open].some(
              ([ws, channels]) => !ws.isClosed() && channels.has(channel),
            ),
          { message: `the page subscribes to the ${channel} signals` },
        )
        .toBe(true);
    },
  };
}
