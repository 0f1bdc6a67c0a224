/**
 * The remote codec of the Temporal Web UI (Temporal's codec server protocol): POST /codec/decode and
 * /codec/encode take and give `{payloads: [{metadata: {k: base64}, data: base64}]}`. What Temporal
 * keeps is sealed (temporal/payloadCodec.ts); this is how a person sees it in the UI — only a person
 * logged in to the console whose role may see full ID numbers (console/roles.ts), the same people
 * who see them on the case pages.
 *
 * Credentials: the UI calls this from its own origin (TEMPORAL_UI_URL) with fetch; with "Include
 * cross-origin credentials" switched on in its codec settings it sends the console's session
 * cookie. That cookie is SameSite=Strict, so the UI and the console must be on the same site (same
 * host name, or hosts under one registrable domain): see docs/temporal-cluster.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { AppConfig } from '../config/env';
import type { RequestContext } from './context';
import { can } from './roles';

/** Where the console serves the codec, as the embedded UI is told (`--ui-codec-endpoint`). */
export function consoleCodecEndpoint(config: AppConfig): string {
  // The UI's host name, not 127.0.0.1: the session cookie goes only to the site it was set on.
  return `http://${new URL(config.temporal.uiUrl).hostname}:${config.consolePort}/codec`;
}

/** /codec/decode, /codec/encode; also /codec/<namespace>/decode, for endpoints templated by namespace. */
const CODEC_PATH = /^\/codec(?:\/[^/]+)?\/(encode|decode)$/;
export const isCodecPath = (pathname: string): boolean => pathname === '/codec' || pathname.startsWith('/codec/');

/** Histories carry up to a few MB of payloads per page the UI shows. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const Base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'not base64');
const JsonPayload = z.object({
  metadata: z.record(z.string(), Base64).nullish(),
  data: Base64.nullish(),
});
const CodecBody = z.object({ payloads: z.array(JsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length });
  res.end(bytes);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new CodecRequestError(413, `请求过大（上限 ${MAX_BODY_BYTES / 1024 / 1024} MB）`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CodecRequestError(400, '请求体不是 JSON');
  }
}

class CodecRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * CORS for the Web UI's origin only, with credentials; a browser page of any other origin is
 * refused outright (a same-origin request carries no Origin, or the console's own).
 */
function allowOrigin(ctx: RequestContext): void {
  const origin = ctx.req.headers.origin;
  if (!origin) return;
  const uiOrigin = new URL(ctx.deps.config.temporal.uiUrl).origin;
  const own = URL.canParse(origin) && new URL(origin).host === ctx.req.headers.host;
  if (origin !== uiOrigin && !own) throw new CodecRequestError(403, `拒绝来自 ${origin} 的解码请求：只接受 Temporal 界面（${uiOrigin}）`);
  ctx.res.setHeader('Access-Control-Allow-Origin', origin);
  ctx.res.setHeader('Access-Control-Allow-Credentials', 'true');
  ctx.res.setHeader('Vary', 'Origin');
}

/**
 * Runs one /codec request to its end; answers JSON, errors included. The codecs are those of the
 * console's own Temporal client: the same key ring as the workers'.
 */
export async function handleCodec(ctx: RequestContext): Promise<void> {
  const { req, res, deps } = ctx;
  const codecs: readonly PayloadCodec[] = deps.temporal.options.loadedDataConverter.payloadCodecs;
  try {
    allowOrigin(ctx);
    if (req.method === 'OPTIONS') {
      // The preflight carries no cookie; the POST that follows is checked in full.
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace');
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }
    const m = CODEC_PATH.exec(ctx.url.pathname);
    if (!m) throw new CodecRequestError(404, '没有这个编解码接口（/codec/decode、/codec/encode）');
    if (req.method !== 'POST') throw new CodecRequestError(405, '编解码接口只接受 POST');
    const user = ctx.session?.user;
    if (!user) throw new CodecRequestError(401, '请先登录智审控制台（Temporal 界面的编解码设置需开启“Include cross-origin credentials”）');
    if (!can(user.role, 'see-full-id')) {
      deps.logger.warn(`console: codec ${m[1]} refused to ${user.username} (${user.role}): role may not see personal data in full`);
      throw new CodecRequestError(403, '您的角色无权查看完整的个人信息');
    }
    // JSON only: a cross-site form cannot send it without a preflight, which names the origin.
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') throw new CodecRequestError(415, '只接受 application/json');
    const namespace = req.headers['x-namespace'];
    if (typeof namespace === 'string' && namespace && namespace !== deps.config.temporal.namespace) {
      throw new CodecRequestError(400, `命名空间 ${namespace} 不归本系统解码（本系统：${deps.config.temporal.namespace}）`);
    }
    if (codecs.length === 0) throw new CodecRequestError(503, '控制台未配置载荷加密，无可解码');
    const body = CodecBody.safeParse(await readJson(req));
    if (!body.success)
      throw new CodecRequestError(400, `请求格式有误：${body.error.issues[0]!.path.join('.')} ${body.error.issues[0]!.message}`);
    let payloads = body.data.payloads.map(fromJson);
    if (m[1] === 'decode') {
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    } else {
      for (const codec of codecs) payloads = await codec.encode(payloads);
    }
    deps.logger.info(`console: codec ${m[1]} of ${payloads.length} payload(s) for ${user.username} (${user.role})`);
    sendJson(res, 200, { payloads: payloads.map(toJson) });
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    if (err instanceof CodecRequestError) return sendJson(res, err.status, { error: err.message });
    // A payload that will not open (altered, or a key the ring lacks): say so, it is not a server fault.
    if (err instanceof Error && err.name === 'PayloadDecryptionError') {
      deps.logger.warn(`console: codec refused a payload: ${err.message}`);
      return sendJson(res, 422, { error: err.message });
    }
    deps.logger.error(`console: codec ${ctx.url.pathname} failed`, { error: err });
    sendJson(res, 500, { error: '服务器内部错误，已记录日志' });
  }
}
