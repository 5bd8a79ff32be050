/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-go's leaderelection, simplified): one replica at a time
 * holds the lease and runs the controllers; another takes over when the holder stops renewing for longer than the
 * lease duration.
 */
import type { Lease } from '../api/coordination-v1.ts';
import { StatusError } from '../api/status.ts';
import type { Store } from '../registry/store.ts';
import type { Clock } from '../util/clock.ts';

/** Timings in milliseconds, as kube-controller-manager's --leader-elect-* flags. */
export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onError?(err: unknown): void;
}

/** MicroTime as Kubernetes writes it: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Runs leader election until `stop()`; a leader that stops gives the lease up so another replica takes over fast. */
export function runLeaderElection(leases: Store<Lease>, clock: Clock, cfg: LeaderElectionConfig) {
  let leading = false;
  let stopped = false;
  let lastRenew = 0;
  let timer: NodeJS.Timeout | undefined;

  async function tryAcquireOrRenew(): Promise<boolean> {
    const now = clock.now();
    const spec = () => ({
      holderIdentity: cfg.identity,
      leaseDurationSeconds: Math.max(1, Math.round(cfg.leaseDurationMs / 1000)),
      renewTime: microTime(now),
    });
    const existing = await leases.find(cfg.namespace, cfg.name);
    if (!existing) {
      await leases.create(cfg.namespace, {
        metadata: { name: cfg.name, namespace: cfg.namespace },
        spec: { ...spec(), acquireTime: microTime(now), leaseTransitions: 0 },
      });
      return true;
    }
    const s = existing.spec ?? {};
    const held = s.holderIdentity && s.holderIdentity !== cfg.identity;
    const expires = Date.parse(s.renewTime ?? '1970-01-01T00:00:00Z') + (s.leaseDurationSeconds ?? 0) * 1000;
    if (held && expires > now.getTime()) return false;
    const mine = s.holderIdentity === cfg.identity;
    // The resourceVersion in the body makes this a compare-and-swap: two replicas cannot both take the lease.
    await leases.update(cfg.namespace, cfg.name, {
      ...existing,
      spec: {
        ...s,
        ...spec(),
        acquireTime: mine ? s.acquireTime : microTime(now),
        leaseTransitions: mine ? (s.leaseTransitions ?? 0) : (s.leaseTransitions ?? 0) + 1,
      },
    });
    return true;
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      const ok = await tryAcquireOrRenew();
      if (ok) {
        lastRenew = clock.now().getTime();
        if (!leading) {
          leading = true;
          cfg.onStartedLeading();
        }
      } else if (leading) {
        leading = false;
        cfg.onStoppedLeading();
      }
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) cfg.onError?.(err);
      if (leading && clock.now().getTime() - lastRenew > cfg.renewDeadlineMs) {
        leading = false;
        cfg.onStoppedLeading();
      }
    }
    if (!stopped) timer = setTimeout(() => void tick(), cfg.retryPeriodMs);
  }
  void tick();

  return {
    isLeader: () => leading,
    /** Stops; a leader releases the lease (renewTime in the past) so a successor need not wait it out. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      if (!leading) return;
      leading = false;
      cfg.onStoppedLeading();
      try {
        await leases.guaranteedUpdate(cfg.namespace, cfg.name, (l) =>
          l.spec?.holderIdentity === cfg.identity
            ? { ...l, spec: { ...l.spec, leaseDurationSeconds: 1, renewTime: microTime(new Date(0)) } }
            : l,
        );
      } catch (err) {
        cfg.onError?.(err);
      }
    },
  };
}
