import { JobRecord, JobSettings, type JobSettingsInput } from '../../../src-main/shared/protocol';

/** A finished job as job.json holds it, for the renderer's store tests: `settings` and `stages` vary. */
export function finishedJobRecord(settings: JobSettingsInput, stages: JobRecord['stages']): JobRecord {
  return JobRecord.parse({
    id: 'job1',
    protocolVersion: 1,
    state: 'done',
    sourceName: 'astronaut.png',
    createdAt: '2026-12-02T00:00:00Z',
    updatedAt: '2026-12-02T00:00:00Z',
    settings: JobSettings.parse(settings),
    stages,
  });
}
