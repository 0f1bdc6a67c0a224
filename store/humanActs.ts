import type { Store } from './store';

/**
 * Spends an assertion's nonce for one act. True when this execution may use it: first use, or the
 * same execution retried (`spentBy` names it); false when it was spent elsewhere (a replay).
 */
export async function spendActNonce(
  store: Store,
  use: { nonce: string; caseId: string; action: string; username: string; spentBy: string },
): Promise<boolean> {
  const inserted = await store.db.query<{ nonce: string }>(
    `INSERT INTO human_act_nonces (nonce, case_id, action, username, spent_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (nonce) DO NOTHING RETURNING nonce`,
    [use.nonce, use.caseId, use.action, use.username, use.spentBy],
  );
  if (inserted.length > 0) return true;
  const [row] = await store.db.query<{ spent_by: string }>('SELECT spent_by FROM human_act_nonces WHERE nonce = $1', [use.nonce]);
  return row?.spent_by === use.spentBy;
}
