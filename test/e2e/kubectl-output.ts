/**
 * Reading what kubectl prints: its output as lines, its tables as cells, one row asserted cell by cell, the rows of
 * `kubectl auth whoami`, and a long-running kubectl (`get -w`) whose output is awaited while it streams.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { eventually, type Kubectl } from './harness.ts';

/** The lines of a command's output, without the trailing empty line. */
export function lines(out: string): string[] {
  const l = out.split('\n');
  if (l.at(-1) === '') l.pop();
  return l;
}

/**
 * Splits a kubectl table into cells by the header's column offsets, so empty cells (SHORTNAMES of secrets) survive.
 * Header names may hold one space (`NOMINATED NODE`); columns are separated by at least two.
 */
export function table(out: string): { header: string[]; rows: string[][] } {
  const [head, ...rest] = lines(out);
  assert.ok(head, `no table in ${JSON.stringify(out)}`);
  const starts: number[] = [];
  const header: string[] = [];
  for (const m of head.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(m.index);
    header.push(m[0]);
  }
  const rows = rest.map((line) =>
    starts.map((s, i) => line.slice(s, i + 1 < starts.length ? starts[i + 1] : undefined).trim()),
  );
  return { header, rows };
}

/** kubectl's Age column: `5s`, `2m3s`, `10m`, ... */
export const AGE = /^\d+[smhd](\d+[smh])?$/;

/** Asserts one table row cell by cell; RegExp cells match, string cells compare exactly. */
export function assertRow(row: string[] | undefined, expected: (string | RegExp)[], what: string): void {
  assert.ok(row, `${what}: row missing`);
  assert.equal(row.length, expected.length, `${what}: ${JSON.stringify(row)}`);
  expected.forEach((e, i) => {
    if (typeof e === 'string') assert.equal(row[i], e, `${what} cell ${i}: ${JSON.stringify(row)}`);
    else assert.match(row[i]!, e, `${what} cell ${i}: ${JSON.stringify(row)}`);
  });
}

/** `kubectl auth whoami` table rows as attribute -> value. */
export function whoamiRows(stdout: string): Map<string, string> {
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ATTRIBUTE\s+VALUE$/);
  const rows = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const m = /^(.+?)\s{2,}(\S.*)$/.exec(line);
    assert.ok(m, `unexpected whoami line ${JSON.stringify(line)}`);
    rows.set(m[1]!, m[2]!);
  }
  return rows;
}

/** A long-running kubectl (`get -w`) whose output can be awaited while it streams. */
export function streamKubectl(k: Kubectl, args: string[]) {
  const child = spawn(k.binary, ['--kubeconfig', k.kubeconfig, '--cache-dir', k.cacheDir, ...args], {
    env: { ...process.env, HOME: k.cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => ({ stdout, stderr }),
    /** Waits until stdout has a line matching `re` (the process must still be running). */
    waitForLine: (re: RegExp, timeoutMs = 20_000) =>
      eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`kubectl exited ${child.exitCode}: ${stdout} ${stderr}`);
          return lines(stdout).some((l) => re.test(l));
        },
        timeoutMs,
        `a line matching ${re} in ${JSON.stringify(stdout)} (stderr ${JSON.stringify(stderr)})`,
      ),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
