import { formatCount, formatDuration, formatRate } from '../output/format';
import type { JobProgress } from './jobProgress';

/** The progress line: `[#####-----]  45 %  4,500/10,000 keys  1.2k/s  ETA 5s  invalidate users`. */
export function renderBar(p: JobProgress, rate: number | null, width: number, label: string): string {
  const rateText = rate === null ? '' : `  ${formatRate(rate)}`;
  if (p.total === null) return `${formatCount(p.done)} ${p.unit}${rateText}  ${label}`;
  const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const eta = p.etaSeconds ?? (rate !== null && rate > 0 ? (p.total - p.done) / rate : null);
  const tail = `  ${String(Math.floor(share * 100)).padStart(3)} %  ${formatCount(p.done)}/${formatCount(p.total)} ${p.unit}${rateText}${share < 1 ? `  ETA ${formatDuration(eta)}` : ''}  ${label}`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 3));
  const filled = Math.round(share * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}

/**
 * Rate over a sliding window of samples (the last ~5 s), so a stall shows as a falling rate instead of the
 * average since the start.
 */
export class RateMeter {
  private samples: Array<{ at: number; done: number }> = [];

  constructor(private readonly windowMs = 5000) {}

  add(done: number, at = Date.now()): number | null {
    this.samples.push({ at, done });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < at - this.windowMs) this.samples.shift();
    const first = this.samples[0];
    if (!first || at - first.at < 250) return null;
    return Math.max(0, ((done - first.done) * 1000) / (at - first.at));
  }
}
