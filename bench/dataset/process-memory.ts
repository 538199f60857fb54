import { readFileSync } from 'node:fs';

/** Peak resident set (VmHWM) of a process, in bytes; null when it is gone. */
export function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** The process and all its descendants (next start may fork its server). */
export function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const tid of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      out.push(...processTree(Number(tid)));
    }
  } catch {
    // Gone, or no children file: just this one.
  }
  return out;
}
