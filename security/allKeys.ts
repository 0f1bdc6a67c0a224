import { CHECKPOINT_SIGNING_KEY } from './checkpointKey';
import type { KeySpec } from './keyFiles';
import { ACT_SIGNING_KEY } from './actKeys';
import { PayloadKeysSpec } from './payloadKeys';

/**
 * Every key the project keeps under `<dataDir>/keys`, for `npm run setup` and test stacks to make
 * ahead of time. One line per key.
 */
export const ALL_KEYS: readonly KeySpec[] = [ACT_SIGNING_KEY, PayloadKeysSpec, CHECKPOINT_SIGNING_KEY];
