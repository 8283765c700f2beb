import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of every process under this one, by role, read from /proc (Linux). */
export type CpuByRole = Record<string, number>;

const ticksPerSecond = 100; // USER_HZ on Linux

/** The role of a process from its command line: the host, its Azurite, redis-server, redis-cli / redis-benchmark, a warm child. */
function roleOf(cmdline: string): string {
  if (/azurite/.test(cmdline)) return 'azurite';
  if (/redis-server/.test(cmdline)) return 'redis-server';
  if (/redis-benchmark/.test(cmdline)) return 'redis-benchmark';
  if (/redis-cli/.test(cmdline)) return 'redis-cli';
  if (/warmChild/.test(cmdline)) return 'engine';
  if (/start\.js/.test(cmdline)) return 'host';
  return 'other';
}

/** A snapshot of the CPU time of this process's descendants. */
export function cpuSnapshot(): Map<number, { role: string; seconds: number }> {
  const procs = new Map<number, { ppid: number; role: string; seconds: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.set(Number(name), { ppid: Number(fields[1]), role: roleOf(cmdline), seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond });
    } catch {
      // exited meanwhile
    }
  }
  const mine = new Map<number, { role: string; seconds: number }>();
  const under = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid, hops = 0; p !== undefined && hops < 20; p = procs.get(p)?.ppid, hops++) if (p === process.pid) return true;
    return false;
  };
  for (const [pid, p] of procs) if (under(pid)) mine.set(pid, { role: p.role, seconds: p.seconds });
  // Children that exited and were waited for (redis-cli, redis-benchmark, a warm child) are gone from /proc; their
  // CPU is in this process's cutime + cstime.
  const self = readFileSync('/proc/self/stat', 'utf8');
  const fields = self.slice(self.lastIndexOf(')') + 2).split(' ');
  mine.set(-1, { role: 'exited', seconds: (Number(fields[13]) + Number(fields[14])) / ticksPerSecond });
  return mine;
}

/**
 * CPU seconds per role spent between two snapshots (processes started in between count from 0); what children
 * that exited in between spent is put under `exited` (the one tool the caller ran then).
 */
export function cpuBetween(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>, exited = 'exited'): CpuByRole {
  const out: CpuByRole = {};
  for (const [pid, p] of after) {
    const spent = p.seconds - (before.get(pid)?.seconds ?? 0);
    const role = pid === -1 ? exited : p.role;
    if (spent > 0) out[role] = Math.round(((out[role] ?? 0) + spent) * 100) / 100;
  }
  return out;
}
