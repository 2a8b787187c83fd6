/**
 * How well the hair style matched the photo's hair, said to the user (CLI line, report panel).
 * Shared by the CLI and the renderer so both say the same thing.
 */

/**
 * Below this silhouette IoU the hair style is more guess than fit: kpa_new_wave.jpg's quiff came out a
 * bob at 0.61 (dark wood beside his head read as hair); the test photos' good fits reach 0.82–0.87.
 */
export const HAIR_FIT_GOOD = 0.75;

/**
 * Under this share of the scalp inside the photo the photo does not show the hair (a close-up with
 * the top of the head cut off): the hair is a guess, not fitted. The test photos show 97–100 %;
 * kpa_jesper_tilt.jpg 14 %.
 */
export const HAIR_IN_PHOTO_MIN = 0.6;

/**
 * Under this silhouette IoU of the best style the photo's hair could not be told from what is round
 * it, and the hair is a guess too (when the photo shows hair at all: a bald head fits nothing either).
 * petsc's sean.jpg, black hair against a dark, lit background in black and white: 0.26, and his hair
 * came out grey; the test photos' fits reach 0.64–0.88.
 */
export const HAIR_FIT_UNUSABLE = 0.4;

/** What a hair report says of how its hair was made (no share given: fitted). */
interface HairGuessFacts {
  inPhoto?: number | undefined;
  guessed?: boolean | undefined;
}

/** Why the hair was guessed, not fitted, or undefined when it was fitted. */
export function hairGuessReason(hair: HairGuessFacts): 'out-of-frame' | 'unclear' | undefined {
  if (hair.inPhoto !== undefined && hair.inPhoto < HAIR_IN_PHOTO_MIN) return 'out-of-frame';
  return hair.guessed ? 'unclear' : undefined;
}

/** The hair was guessed, not fitted (hairGuessReason). */
export function hairIsGuessed(hair: HairGuessFacts): boolean {
  return hairGuessReason(hair) !== undefined;
}

/** What to tell the user about a poor hair fit, or nothing when the style matches. */
export function hairFitNote(hair: {
  style: string;
  iou: number;
  inPhoto?: number;
  guessed?: boolean;
}): string | undefined {
  const reason = hairGuessReason(hair);
  if (reason === 'out-of-frame')
    return (
      `The photo does not show the top of the head (${Math.round(hair.inPhoto! * 100)} % of the scalp is in it): ` +
      `the hair (${hair.style}) is a guess, coloured like the eyebrows.`
    );
  if (reason === 'unclear')
    return (
      `The photo's hair could not be told from what is round it (no style matched its outline, IoU ` +
      `${hair.iou.toFixed(2)}): the hair (${hair.style}) is a guess, coloured like the eyebrows.`
    );
  if (hair.iou >= HAIR_FIT_GOOD) return undefined;
  return (
    `The hair (${hair.style}) matches the photo's hair outline poorly (IoU ${hair.iou.toFixed(2)}): ` +
    `the style may be wrong — a dark background beside the head can read as hair.`
  );
}
