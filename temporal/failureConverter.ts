/**
 * The failure converter of every client, worker and the workflow sandbox (loaded by path, see
 * temporal/dataConverter.ts): a failure's message and stack trace move into its encoded attributes,
 * a payload, so the payload codec seals them too — a failure message can quote a row of the intake.
 * Temporal then shows "Encoded failure" in place of the message, unless the codec endpoint opens it.
 * This file is bundled into the workflow code: it imports nothing but @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
