/** CPU time of a process group (partykit dev and its workerd children), from /proc. */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Seconds of user+system CPU used so far by every live process in the group. */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the ")" that closes the command name: state is field 3.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const group = Number(fields[2]); // field 5: pgrp
      if (group !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]); // fields 14, 15: utime, stime
    } catch {
      // The process ended while we read.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory (bytes) of every process in the group whose command matches `name`. */
export function groupRssBytes(pgid: number, name = "workerd"): number {
  let bytes = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid || !comm.includes(name)) continue;
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const m = status.match(/VmRSS:\s+(\d+) kB/);
      if (m) bytes += Number(m[1]) * 1024;
    } catch {
      // gone
    }
  }
  return bytes;
}
