export { measureHead, METRIC_AZIMUTHS, METRIC_RENDER_SIZE } from './head-metrics';
export type { HeadMetricsInput, HeadMetricsResult, MetricsLevel } from './head-metrics';
export {
  describeFaces,
  descriptorDistance,
  faceDescriptorProblem,
  SAME_PERSON_DISTANCE,
} from './face-descriptor';
export { psnr, ssim } from './image-similarity';
export { crossViewIdentity, isBackView } from './view-identity';
export { compareViewSets, type ViewSetSimilarity } from './view-set-similarity';
