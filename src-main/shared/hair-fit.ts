/**
 * How well the hair style matched the photo's hair, said to the user (CLI line, report panel).
 * Shared by the CLI and the renderer so both say the same thing.
 */

/**
 * Below this silhouette IoU the hair style is more guess than fit: kpa_new_wave.jpg's quiff came out a
 * bob at 0.61 (dark wood beside his head read as hair); the test photos' good fits reach 0.82–0.87.
 */
export const HAIR_FIT_GOOD = 0.75;

/** What to tell the user about a poor hair fit, or nothing when the style matches. */
export function hairFitNote(hair: { style: string; iou: number }): string | undefined {
  if (hair.iou >= HAIR_FIT_GOOD) return undefined;
  return (
    `The hair (${hair.style}) matches the photo's hair outline poorly (IoU ${hair.iou.toFixed(2)}): ` +
    `the style may be wrong — a dark background beside the head can read as hair.`
  );
}
