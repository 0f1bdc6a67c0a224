import type { KeySpec } from './keyFiles';
import { ACT_SIGNING_KEY } from './actKeys';

/**
 * Every key the project keeps under `<dataDir>/keys`, for `npm run setup` and test stacks to make
 * ahead of time. One line per key.
 */
export const ALL_KEYS: readonly KeySpec[] = [ACT_SIGNING_KEY];
