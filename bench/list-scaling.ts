/**
 * Figure 5: time to list 1,000 versus 10,000 pods over HTTPS, as JSON and as the Table kubectl asks for. Linear
 * scaling gives a ratio of 10; the target allows 12.
 */
import type { Agent } from 'node:https';
import { fmt, log, median, type Row, ratio, request, targetCell } from './lib.ts';
import { SEED } from './warm-cluster.ts';

/** kubectl get's Accept header. */
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

async function timeList(
  agent: Agent,
  url: string,
  token: string,
  accept: string,
  expectItems: number,
): Promise<number> {
  const start = performance.now();
  const res = await request(agent, url, { token, headers: { accept } });
  const elapsed = performance.now() - start;
  if (res.status !== 200) throw new Error(`list ${url}: ${res.status} ${res.body.toString().slice(0, 300)}`);
  const body = JSON.parse(res.body.toString()) as { items?: unknown[]; rows?: unknown[]; kind?: string };
  const n = (body.rows ?? body.items ?? []).length;
  if (n !== expectItems) throw new Error(`list ${url} (${accept}) returned ${n} of ${expectItems} (${body.kind})`);
  return elapsed;
}

/** Measures figure 5 against a server holding the seeded pods. */
export async function listScalingRows(opts: {
  url: string;
  token: string;
  agent: Agent;
  runsSmall: number;
  runsLarge: number;
}): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [label, accept] of [
    ['JSON', 'application/json'],
    ['Table', TABLE_ACCEPT],
  ] as const) {
    log(`figure 5: list pods as ${label}`);
    const small = `${opts.url}/api/v1/namespaces/${SEED.smallList.namespace}/pods`;
    const large = `${opts.url}/api/v1/namespaces/${SEED.largeList.namespace}/pods`;
    // Warm-up: the first list of each pays for JIT and any lazy caches.
    await timeList(opts.agent, small, opts.token, accept, SEED.smallList.pods);
    await timeList(opts.agent, large, opts.token, accept, SEED.largeList.pods);
    const smallTimes: number[] = [];
    const largeTimes: number[] = [];
    // Interleaved, so a change in the machine's speed during the figure lands on both sides.
    const smallPerRound = Math.ceil(opts.runsSmall / opts.runsLarge);
    for (let round = 0; round < opts.runsLarge; round++) {
      const smalls = async () => {
        for (let i = 0; i < smallPerRound; i++)
          smallTimes.push(await timeList(opts.agent, small, opts.token, accept, SEED.smallList.pods));
      };
      if (round % 2 === 0) await smalls();
      largeTimes.push(await timeList(opts.agent, large, opts.token, accept, SEED.largeList.pods));
      if (round % 2 === 1) await smalls();
    }
    const s = median(smallTimes);
    const l = median(largeTimes);
    rows.push({
      figure: `5${label === 'JSON' ? '' : 'a'}. list pods as ${label}: 10,000 vs 1,000 (median time)`,
      superkube: `${fmt(l)} ms for 10,000`,
      baseline: `${fmt(s)} ms for 1,000`,
      ratio: ratio(l, s),
      target: targetCell(l / s, '<=', 12),
    });
  }
  return rows;
}
