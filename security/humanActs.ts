import crypto, { type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../store/canonicalJson';

/**
 * Proof that a registered person sent a human act (claim, correction, decision…) through the
 * console or the CLI: a short-lived assertion naming the case, the act, the person and a digest of
 * exactly what they asked, signed with Ed25519 by the console/CLI. Workers hold only the public
 * key, so neither a worker nor anyone who can merely reach Temporal can make one.
 */
const HUMAN_ACTIONS = ['claim', 'release', 'correct', 'review', 'second-look', 'supply'] as const;
export type HumanAction = (typeof HUMAN_ACTIONS)[number];

export const ActAssertion = z.object({
  v: z.literal(1),
  caseId: z.string().min(1).max(60),
  action: z.enum(HUMAN_ACTIONS),
  username: z.string().min(1).max(60),
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
  issuedAt: z.string().datetime({ offset: true }),
  expiresAt: z.string().datetime({ offset: true }),
  /** sha256 (hex) of the canonical JSON of the act's payload, proof left out. */
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ActAssertion = z.infer<typeof ActAssertion>;

/** What travels in an Update beside the act: the assertion's exact bytes and their signature. */
export const ActProof = z.object({ assertion: z.string().min(1).max(2000), signature: z.string().min(1).max(200) });
export type ActProof = z.infer<typeof ActProof>;

/** How long an assertion is good for: long enough for one request, too short to be worth stealing. */
const ACT_LIFETIME_MS = 2 * 60_000;
/** Clocks of console and worker may disagree a little. */
const CLOCK_SKEW_MS = 30_000;

/** The digest an assertion binds: the payload as the handler receives it, without the proof. */
function actPayloadDigest(payload: Record<string, unknown>): string {
  const { proof: _proof, ...rest } = payload;
  return crypto.createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Signs an act for `username`, who the caller has authenticated (console session, CLI password). */
export function signAct(
  key: KeyObject,
  act: { caseId: string; action: HumanAction; username: string; payload: Record<string, unknown> },
  now = new Date(),
): ActProof {
  const assertion: ActAssertion = {
    v: 1,
    caseId: act.caseId,
    action: act.action,
    username: act.username,
    nonce: crypto.randomBytes(16).toString('hex'),
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ACT_LIFETIME_MS).toISOString(),
    payloadSha256: actPayloadDigest(act.payload),
  };
  const bytes = Buffer.from(JSON.stringify(assertion), 'utf8');
  return { assertion: bytes.toString('base64url'), signature: crypto.sign(null, bytes, key).toString('base64url') };
}

/** Why a proof was refused, in the words the person sees. */
export type ActRefusal = { ok: false; reason: string; claimed: Partial<Pick<ActAssertion, 'username' | 'action' | 'caseId'>> };

/** What an assertion claims, before anything is checked: for the refusal's record only. */
export function claimedBy(proof: unknown): ActRefusal['claimed'] {
  try {
    const raw = JSON.parse(Buffer.from(String((proof as ActProof).assertion), 'base64url').toString('utf8')) as Record<string, unknown>;
    const pick = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).slice(0, 60) : undefined);
    return { username: pick('username'), action: pick('action') as HumanAction | undefined, caseId: pick('caseId') };
  } catch {
    return {};
  }
}

/**
 * Checks a proof's signature, scope (case, act, payload) and lifetime. The nonce's single use and the
 * person's current role are the store's to check (activities/humanActs.ts).
 */
export function verifyActProof(
  key: KeyObject,
  proof: unknown,
  expected: { caseId: string; action: HumanAction; payload: Record<string, unknown> },
  now = new Date(),
): { ok: true; assertion: ActAssertion } | ActRefusal {
  const claimed = claimedBy(proof);
  const refuse = (reason: string): ActRefusal => ({ ok: false, reason, claimed });
  const shaped = ActProof.safeParse(proof);
  if (!shaped.success) return refuse('操作未附身份证明（须经控制台或命令行登录后提交）');
  const bytes = Buffer.from(shaped.data.assertion, 'base64url');
  let signatureOk: boolean;
  try {
    signatureOk = crypto.verify(null, bytes, key, Buffer.from(shaped.data.signature, 'base64url'));
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) return refuse('身份证明签名无效（伪造或被篡改）');
  let parsed;
  try {
    parsed = ActAssertion.safeParse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return refuse('身份证明格式无效');
  }
  if (!parsed.success) return refuse('身份证明格式无效');
  const a = parsed.data;
  if (a.caseId !== expected.caseId) return refuse(`身份证明属于案件 ${a.caseId}，不适用于本案件`);
  if (a.action !== expected.action) return refuse(`身份证明用于「${a.action}」，不适用于「${expected.action}」`);
  if (a.payloadSha256 !== actPayloadDigest(expected.payload)) return refuse('身份证明与提交的内容不符（内容被改动）');
  const t = now.getTime();
  if (Date.parse(a.issuedAt) > t + CLOCK_SKEW_MS) return refuse('身份证明的签发时间在未来');
  if (Date.parse(a.expiresAt) + CLOCK_SKEW_MS < t) return refuse('身份证明已过期，请重新提交');
  if (Date.parse(a.expiresAt) - Date.parse(a.issuedAt) > ACT_LIFETIME_MS) return refuse('身份证明有效期过长');
  return { ok: true, assertion: a };
}
