import type { KeySpec } from './keyFiles';
import { PayloadKeysSpec } from './payloadKeys';

/**
 * Every key the project keeps under `<dataDir>/keys`, for `npm run setup` and test stacks to make
 * ahead of time. One line per key.
 */
export const ALL_KEYS: readonly KeySpec[] = [PayloadKeysSpec];
