/** The bots that work the core business system (核心经办系统) through its screens. */
export { TechnicalFault, BusinessFault, isRetryable, asBotFault, type EvidenceFile, type TechnicalFaultKind } from './errors';
export { BotSession, type BotSessionOptions, type LegacyCredentials } from './session';
export { createBrowserPool, type BrowserPool, type BrowserPoolOptions } from './pool';
export { launchChromium, CHROMIUM_ARGS } from './browser';
export { saveEvidence, startEvidenceTrace, beginEvidenceChunk, discardEvidenceChunk } from './evidence';
export { withRetries, type RetryOptions } from './retry';
export type { FactsQuery, FactsReading } from './facts';
export { readFacts } from './readFacts';
export { enterResult } from './enterResult';
export { EntryRequestSchema, type EntryRequest } from './lookBeforeSubmit';
export type { SubmitGuard } from './pages/EntryFormPage';
