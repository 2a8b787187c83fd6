import { badImageCases } from './bad-images';
import { badJobRecordCases } from './bad-job-records';
import { badMessageCases } from './bad-messages';
import { badPackCases } from './bad-packs';
import type { FuzzCase } from './outcome';
import type { FuzzScratch } from './run-cases';

/** The seed of the fuzz's bad inputs: change it to draw other bit flips and random bytes. */
export const FUZZ_SEED = 13;

/** Every bad input of the fuzz: images, packs, protocol messages, then damaged job folders. */
export async function allFuzzCases(scratch: FuzzScratch, seed = FUZZ_SEED): Promise<FuzzCase[]> {
  return [
    ...(await badImageCases(seed)),
    ...badPackCases(seed, scratch.outside),
    ...badMessageCases(seed),
    ...badJobRecordCases(seed, scratch.outside),
  ];
}
