/** The bots that work the core business system (核心经办系统) through its screens. */
export { TechnicalFault, BusinessFault, type EvidenceFile } from './errors';
export { createBrowserPool, type BrowserPool, type BotStepStats } from './pool';
export type { FactsQuery, FactsReading } from './facts';
export { readFacts } from './readFacts';
export { enterResult } from './enterResult';
export { EntryRequestSchema, type EntryLook, type EntryRequest } from './lookBeforeSubmit';
export type { SubmitGuard } from './pages/EntryFormPage';
