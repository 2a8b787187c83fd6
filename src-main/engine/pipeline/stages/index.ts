import type { StageRunner } from '../stage-context';
import { estimateStage } from './estimate-stage';
import { exportStage } from './export-stage';
import { generateStage } from './generate-stage';
import { ingestStage } from './ingest-stage';
import { reconstructStage } from './reconstruct-stage';
import { segmentStage } from './segment-stage';

/** The stages this engine runs, in order (reconstruct skips itself when generate wrote no views). */
export const PIPELINE_STAGES: readonly StageRunner[] = [
  ingestStage,
  segmentStage,
  estimateStage,
  generateStage,
  reconstructStage,
  exportStage,
];
