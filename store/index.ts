// The store's public surface: open it, append to and read the audit trail, keep the case register.
export type { Store } from './store';
export { openStore } from './openStore';
export { serveEmbeddedStore, type EmbeddedStoreServer } from './embedded/serveEmbeddedStore';
export { StoreInUseError } from './embedded/dataDirLock';
export { type AuditStep } from './auditSteps';
export { Actor, AuditEvent, type EvidenceRef } from './auditEvent';
export { appendEvent, appendFirstEventsInBulk, listEvents } from './auditTrail';
export { verifyChain } from './verifyChain';
export { getCase, upsertCase, type StoredCase } from './caseRegister';
export { isWorkbookTaken, upsertBatch } from './batches';
export { Role, NewUser, Password, createUser, getUserStanding, authenticate, listUsers, needsRehash, type User } from './users';
export { ADMIN_TRAIL_ID, addUserAsAdmin, recordAdminAct, setDisabledAsAdmin, resetPasswordAsAdmin, type AdminActor } from './userAdmin';
export {
  recordLoginAttempt,
  recentLoginAttempts,
  forgetLoginAttempt,
  clearLoginFailures,
  pruneLoginFailures,
  type AttemptScope,
} from './loginFailures';
export { listReviewInbox, type InboxEntry, type InboxFilter, type SlaState } from './reviewQueue';
export {
  calendarYear,
  loadBureauCalendar,
  importCalendarYear,
  recordCalendarShown,
  CalendarYearExists,
  type StoredCalendarYear,
  type CalendarActor,
} from './calendarYears';
export {
  loadPublishedParameters,
  proposeParameterVersion,
  approveParameterVersion,
  listParameterVersions,
  ParameterVersionRefused,
  type StoredParameterVersion,
  type PolicyActor,
} from './parameterVersions';
