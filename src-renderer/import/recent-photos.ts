/** The recent photos list: the newest jobs' photos, one entry per photo name. */
import type { JobRecord } from '../../src-main/shared/protocol';

export interface RecentPhoto {
  jobId: string;
  name: string;
  createdAt: string;
  /** Whether ingest made the working copy (photo.png, the thumbnail); else the input is shown. */
  ingested: boolean;
}

export const RECENT_PHOTOS = 8;

export function recentPhotos(jobs: readonly JobRecord[], count = RECENT_PHOTOS): RecentPhoto[] {
  const seen = new Set<string>();
  const recent: RecentPhoto[] = [];
  for (const job of [...jobs].sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    if (seen.has(job.sourceName)) continue;
    seen.add(job.sourceName);
    recent.push({
      jobId: job.id,
      name: job.sourceName,
      createdAt: job.createdAt,
      ingested: job.stages.ingest?.state === 'done',
    });
    if (recent.length === count) break;
  }
  return recent;
}
