// The store's public surface: open it, append to and read the audit trail, keep the case register.
export type { Backend, Db, Queryable } from './db';
export type { Store } from './store';
export { openStore, storeOptionsFromEnv, type OpenStoreOptions } from './openStore';
export { serveEmbeddedStore, type EmbeddedStoreServer } from './embedded/serveEmbeddedStore';
export { StoreInUseError } from './embedded/dataDirLock';
export { migrate } from './migrate';
export { canonicalJson } from './canonicalJson';
export { Actor, AuditEvent, AuditEventInput, EvidenceRef, HashedEvent } from './auditEvent';
export { hashEvent, sha256Hex } from './auditHash';
export { appendEvent, listEvents } from './auditTrail';
export { verifyChain, type ChainProblem, type ChainVerdict } from './verifyChain';
export { CaseRecord, CaseStatus, Money, getCase, listCasesByBatch, listCasesByStatus, upsertCase, type StoredCase } from './caseRegister';
export { BatchRecord, BatchStatus, IntakeError, getBatch, listIntakeErrors, recordIntakeErrors, setBatchStatus, upsertBatch } from './batches';
export { Role, NewUser, Password, SCRYPT, createUser, getUser, getUserStanding, authenticate, listUsers, hashPassword, passwordMatches, needsRehash, setUserDisabled, setUserPassword, type User, type UserStanding } from './users';
export { ADMIN_TRAIL_ID, addUserAsAdmin, setDisabledAsAdmin, resetPasswordAsAdmin, type AdminActor, type AdminStep } from './userAdmin';
export { recordLoginAttempt, recentLoginAttempts, forgetLoginAttempt, clearLoginFailures, pruneLoginFailures, type AttemptScope } from './loginFailures';
export { setReviewStanding, listReviewInbox, slaState, type InboxEntry, type InboxFilter, type ReviewStanding, type SlaState } from './reviewQueue';
export { recordBatchRows, batchRowsPage, countBatchRows, type BatchRow } from './batchRows';
