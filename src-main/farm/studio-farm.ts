/**
 * The studio's "send the queue to a farm" setting, on the backend side: with StudioSettings.farm set,
 * the photos the studio would run here are submitted as a farm batch instead, and the studio follows
 * the batch and reads the finished job folders from the shared folder (same layout as its own).
 */
import { join } from 'node:path';
import { JobStore } from '../host/job-store';
import { FarmSetting, type JobRecord, type JobSettingsInput } from '../shared/protocol';
import { batchStatus, openFarmQueue, submitBatch, type BatchStatus, type FarmQueue } from './farm-batches';

export class StudioFarm {
  readonly setting: FarmSetting;
  /** The shared folder's job folders, read (never opened for writing) by the studio. */
  readonly store: JobStore;
  private constructor(
    setting: FarmSetting,
    private readonly farm: FarmQueue,
    private readonly versions: Record<string, string>,
  ) {
    this.setting = setting;
    this.store = new JobStore(join(setting.sharedDir, '.jobs'));
  }

  /** Connects to the farm of the setting (checked against the protocol's schema). */
  static async connect(setting: unknown, versions: Record<string, string> = {}): Promise<StudioFarm> {
    const parsed = FarmSetting.parse(setting);
    return new StudioFarm(parsed, await openFarmQueue(parsed.redisUrl), versions);
  }

  /** Queue the photos on the farm; their job folders exist (state 'created') when this resolves. */
  async importPhotos(
    paths: string[],
    settings?: JobSettingsInput,
    packsDir?: string,
  ): Promise<{ batchId: string; jobs: JobRecord[] }> {
    const result = await submitBatch(this.farm.queue, {
      photos: paths,
      out: this.setting.sharedDir,
      ...(settings ? { settings } : {}),
      ...(packsDir ? { packsDir } : {}),
      versions: this.versions,
    });
    const ids = [...result.queued, ...result.skipped.map((s) => s.jobId)];
    return { batchId: result.batchId, jobs: await Promise.all(ids.map((id) => this.store.get(id))) };
  }

  batch(batchId: string): Promise<BatchStatus> {
    return batchStatus(this.farm.queue, batchId);
  }

  getJob(jobId: string): Promise<JobRecord> {
    return this.store.get(jobId);
  }

  close(): Promise<void> {
    return this.farm.close();
  }
}
