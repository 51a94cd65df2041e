/**
 * CPU time the rest of the machine used (Linux, /proc): every process's busy
 * time from /proc/stat minus that of the given processes. On a shared machine
 * a benchmark's round is comparable with another only when this is small.
 * NaN where /proc is not there.
 *
 * @example
 * const before = busyCpuMs([process.pid, child.pid]); ...; const others = othersCpuMs(before, [process.pid, child.pid]);
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc's clock ticks per second (100 on Linux everywhere that matters). */
const TICKS_PER_SECOND = 100;

function ticksToMs(ticks: number): number {
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Busy time of the whole machine (user, nice, system, irq, softirq, steal), ms. */
function machineBusyMs(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return ticksToMs(user + nice + system + irq + softirq + steal);
}

/** User and system time of one process, ms (0 once it is gone). */
function processMs(pid: number): number {
  try {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ticksToMs(Number(fields[11]) + Number(fields[12]));
  } catch {
    return 0;
  }
}

export interface CpuMark {
  machineMs: number;
  oursMs: number;
}

/** The machine's busy time and that of `pids`, now. */
export function cpuMark(pids: readonly number[]): CpuMark {
  try {
    return { machineMs: machineBusyMs(), oursMs: pids.reduce((ms, pid) => ms + processMs(pid), 0) };
  } catch {
    return { machineMs: NaN, oursMs: NaN };
  }
}

/** CPU ms the machine spent outside `pids` since `before`. */
export function othersCpuMs(before: CpuMark, pids: readonly number[]): number {
  const now = cpuMark(pids);
  return Math.max(0, now.machineMs - before.machineMs - (now.oursMs - before.oursMs));
}
