import { safeListener, type AuthEvent } from './events.js';
import { checkMetricsOption, meterFor, recorderFor, type MetricsRecorder } from './metrics.js';

/**
 * Where the library reports what happens: the user's `onEvent` listener and the metrics, behind one object.
 * There is none at all when neither is configured, so every reporting site is one `undefined` check and builds
 * no event object.
 */
export interface Observer {
  /** Hands an event to the listener and to the metrics; never throws. */
  emit(event: AuthEvent): void;
  /** The metrics, once their meter is in hand; `undefined` while loading or when metrics are off. */
  readonly metrics: MetricsRecorder | undefined;
  /** Settles when the metrics are set up; rejects when `metrics: true` cannot load `@opentelemetry/api`. */
  readonly ready: Promise<void>;
}

/** The observer of `onEvent` and `metrics` (both checked here: a bad value throws a `TypeError`). */
export function createObserver(onEvent: unknown, metrics: unknown): Observer | undefined {
  const listener = safeListener(onEvent, 'onEvent');
  const wanted = checkMetricsOption(metrics);
  if (listener === undefined && wanted === undefined) return undefined;
  let recorder: MetricsRecorder | undefined;
  const ready =
    wanted === undefined
      ? Promise.resolve()
      : meterFor(wanted).then((meter) => {
          recorder = recorderFor(meter);
        });
  ready.catch(() => undefined); // reported by ready(); never an unhandled rejection
  return {
    emit(event) {
      listener?.(event);
      try {
        recorder?.event(event);
      } catch {
        // a broken meter must not break a request either
      }
    },
    get metrics() {
      return recorder;
    },
    ready,
  };
}
