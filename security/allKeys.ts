import { CHECKPOINT_SIGNING_KEY } from './checkpointKey';
import type { KeySpec } from './keyFiles';

/**
 * Every key the project keeps under `<dataDir>/keys`, for `npm run setup` and test stacks to make
 * ahead of time. One line per key.
 */
export const ALL_KEYS: readonly KeySpec[] = [
  CHECKPOINT_SIGNING_KEY,
];
