import type { Role } from '../store';

/**
 * What each role may do in the console. The workflow refuses the wrong role too; the console checks
 * first so that a read-only user never reaches Temporal with a decision at all.
 */
export type Permission = 'read-cases' | 'decide' | 'manage-users' | 'see-full-id' | 'read-audit' | 'audit';

const GRANTS: Record<Role, readonly Permission[]> = {
  clerk: ['read-cases', 'decide', 'see-full-id'],
  supervisor: ['read-cases', 'decide', 'see-full-id'],
  // read-audit: the auditors' pages; audit: their acts on them (verify, replay, export, 抽检).
  manager: ['read-cases', 'read-audit'],
  auditor: ['read-cases', 'read-audit', 'audit'],
  admin: ['manage-users'],
};

/** Whether a role holds a permission. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
