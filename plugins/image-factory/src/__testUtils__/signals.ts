import { act } from '@testing-library/react';
import {
  SignalApi,
  SignalSubscriber,
  signalApiRef,
} from '@backstage/plugin-signals-react';

// The JSON object type of @backstage/types, which the plugin does not depend on.
type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/**
 * A signal API that delivers what a test publishes to the subscribers of
 * its channel, as the signals plugin delivers the backend's messages. The
 * signals packages ship no test double.
 */
export class TestSignalApi implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ): SignalSubscriber {
    const set = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, set);
    const listener = onMessage as (message: JsonObject) => void;
    set.add(listener);
    return { unsubscribe: () => set.delete(listener) };
  }

  /** How many subscribe to `channel` now. */
  count(channel: string): number {
    return this.subscribers.get(channel)?.size ?? 0;
  }

  /** Delivers a copy of `message` to each subscriber of `channel`. */
  publish(channel: string, message: JsonObject) {
    act(() => {
      this.subscribers
        .get(channel)
        ?.forEach(listener => listener(JSON.parse(JSON.stringify(message))));
    });
  }

  /** For `TestApiProvider`'s `apis`. */
  entry() {
    return [signalApiRef, this] as const;
  }
}
