/** Recording core/v1 Events, so `kubectl describe` shows what the controllers did. */
import type { Event, ObjectReference } from '../api/core-v1.ts';
import { formatTime, type KubernetesObject } from '../api/meta.ts';
import type { Store } from '../registry/store.ts';
import type { Clock } from '../util/clock.ts';

/** Records events; failures are reported, never thrown (an event is never worth failing a controller step). */
export class EventRecorder {
  private readonly events: Store<Event>;
  private readonly clock: Clock;
  private readonly component: string;
  private readonly onError: (err: unknown) => void;
  constructor(events: Store<Event>, clock: Clock, component: string, onError: (err: unknown) => void) {
    this.events = events;
    this.clock = clock;
    this.component = component;
    this.onError = onError;
  }

  /** Records `reason`/`message` about `obj` (which must be namespaced or a namespace-less kind recorded in default). */
  async record(
    obj: KubernetesObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = this.component,
  ): Promise<void> {
    const ns = obj.metadata.namespace || 'default';
    const at = this.clock.now();
    const now = formatTime(at);
    const ref: ObjectReference = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const ev: Event = {
      metadata: {
        // Upstream's `<name>.<hex of the event time in ns>`; the clock has ms, so the sub-ms digits are random.
        name: `${obj.metadata.name}.${(BigInt(at.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`,
        namespace: ns,
      },
      involvedObject: ref,
      reason,
      message,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    };
    try {
      await this.events.create(ns, ev);
    } catch (err) {
      this.onError(err);
    }
  }
}
