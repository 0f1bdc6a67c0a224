import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { EngineNameSchema, type EngineName } from '../ocr/engines/engine';
import { BOT_TRACE_POLICIES, type BotTracePolicy } from '../bots/tracePolicy';
import { TASK_QUEUES, type RetrySettings } from '../workflows/types';
import { DEFAULT_RETRY } from '../workflows/retryPolicies';
import { readSecret } from '../security/keyFiles';

const QUEUE_NAMES = Object.values(TASK_QUEUES);

/**
 * The account the core-system stand-in creates and the bots use against it, when LEGACY_URL is unset
 * (the stand-in re-exports it). Never used against a real core system: there the account is required.
 */
export const STAND_IN_ACCOUNT = { username: 'rpa01', password: 'zhishen-standin' } as const;

/** How the stand-in runs; a fault left out is the stand-in's default (fixtures/legacy-system/faults.ts). */
interface StandInOptions {
  host: string;
  faultSeed: number | undefined;
  faults: { latencyMs?: number; errorRate?: number; sessionIdleSeconds?: number; confirmModal?: boolean; pageSize?: number };
}

/** The core system's account the bots log in with. */
interface LegacyAccount {
  username: string;
  password: string;
}

/** An empty variable counts as unset, as a shell's `VAR=` means. */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(unsetIfEmpty, z.string().min(1).optional());

/** Secrets read by security/keyFiles.ts `readSecret`, from the variable or the file its `_FILE` names. */
const SECRET_KEYS = [
  'ZHISHEN_ACT_SIGNING_KEY',
  'ZHISHEN_ACT_VERIFY_KEY',
  'ZHISHEN_CHECKPOINT_SIGNING_KEY',
  'ZHISHEN_PAYLOAD_KEYS',
] as const;
export type TaskQueueName = (typeof QUEUE_NAMES)[number];

/**
 * Process configuration, from the environment. Every variable has a working default on a fresh
 * machine: unset TEMPORAL_ADDRESS means the embedded dev server, unset DATABASE_URL the embedded store.
 */
const EnvSchema = z
  .object({
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_UI_URL: z.string().url().optional(),
    /** TLS to the cluster with the system's trusted roots; implied by any other TEMPORAL_TLS_* or an API key. */
    TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional(),
    /** mTLS: this process's client certificate and its private key (PEM file paths), always together. */
    TEMPORAL_TLS_CERT: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY: z.string().min(1).optional(),
    /** The CA that signed the cluster's server certificate (PEM file path), when not a system-trusted one. */
    TEMPORAL_TLS_CA: z.string().min(1).optional(),
    /** The name the server certificate is checked against, when it differs from TEMPORAL_ADDRESS's host. */
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    /** An API key (Temporal Cloud and API-key clusters); sent only over TLS. */
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_API_KEY_FILE: z.string().min(1).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected postgres://…')
      .optional(),
    LEGACY_URL: z.string().url().optional(),
    /** The bots' account in the core system: required with LEGACY_URL; the stand-in's own without. */
    LEGACY_USERNAME: optionalText,
    LEGACY_PASSWORD: optionalText,
    /** A file holding LEGACY_PASSWORD (a mounted secret). */
    LEGACY_PASSWORD_FILE: optionalText,
    /** Port of the core-system stand-in that `npm start` runs when LEGACY_URL is unset. */
    LEGACY_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
    /** The stand-in's own settings (fixtures/legacy-system): where it listens when run alone, and how it misbehaves. */
    LEGACY_HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('127.0.0.1')),
    LEGACY_FAULT_SEED: z.preprocess(unsetIfEmpty, z.coerce.number().int().optional()),
    LEGACY_LATENCY_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).optional()),
    LEGACY_ERROR_RATE: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).optional()),
    LEGACY_SESSION_IDLE_SECONDS: z.preprocess(unsetIfEmpty, z.coerce.number().positive().optional()),
    LEGACY_CONFIRM_MODAL: z.preprocess(
      (v) => (typeof v === 'string' ? unsetIfEmpty(v.toLowerCase()) : v),
      z
        .enum(['1', '0', 'true', 'false', 'yes', 'no'])
        .transform((v) => ['1', 'true', 'yes'].includes(v))
        .optional(),
    ),
    LEGACY_PAGE_SIZE: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).optional()),
    /** Port of the web console for clerks, managers and auditors. */
    ZHISHEN_CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /**
     * The console's address as browsers reach it. https://… means it is served over HTTPS (by a reverse
     * proxy): cookies are then Secure (and __Host- prefixed) and every response carries HSTS.
     */
    ZHISHEN_CONSOLE_PUBLIC_URL: z
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'expected http://… or https://…')
      .optional(),
    /**
     * Addresses (or CIDR blocks) of reverse proxies in front of the console, comma-separated. Only a
     * request whose TCP peer is one of them has its X-Forwarded-For believed; unset, none is.
     */
    ZHISHEN_TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().refine(isAddressOrBlock, 'expected a comma-separated list of IP addresses or CIDR blocks (e.g. 10.0.0.5,10.1.0.0/16)'),
        ),
      ),
    CHROMIUM_PATH: z.string().min(1).optional(),
    /** The bots' browser; the headless shell (config/defaults.ts) by default. */
    ZHISHEN_BOT_CHROMIUM: z.string().min(1).optional(),
    ZHISHEN_DATA_DIR: z.string().min(1).default('data'),
    ZHISHEN_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    /** Port of the embedded Temporal dev server's frontend; its Web UI listens 1000 above. */
    ZHISHEN_TEMPORAL_PORT: z.coerce.number().int().min(1).max(64535).default(7233),
    /** Task queues a worker process serves, comma-separated; each resource scales on its own. */
    ZHISHEN_WORKER_QUEUES: z
      .string()
      .default(QUEUE_NAMES.join(','))
      .transform((list) => [
        ...new Set(
          list
            .split(',')
            .map((q) => q.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(
            z.enum(QUEUE_NAMES as [TaskQueueName, ...TaskQueueName[]], {
              message: `expected a comma-separated list of ${QUEUE_NAMES.join(', ')}`,
            }),
          )
          .min(1),
      ),
    /** Bot steps at once in a worker process (browser contexts of its one Chromium). */
    ZHISHEN_BOT_SLOTS: z.coerce.number().int().min(1).max(64).optional(),
    /**
     * Which bot steps record a Playwright trace (every action with the page before and after), kept
     * when the step fails: `on-retry` (a step a failed attempt came before), `every-step`, or `off`.
     * A failed step always keeps its screenshot and page.
     */
    ZHISHEN_BOT_TRACE: z.enum(BOT_TRACE_POLICIES).default('on-retry'),
    /** Longest a bot waits for one page or element of the core system (ms); 15 s by default. */
    ZHISHEN_BOT_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).optional(),
    /** Receipts read at once in a worker process; OCR is CPU-bound, so one per core by default. */
    ZHISHEN_OCR_SLOTS: z.coerce.number().int().min(1).max(64).optional(),
    /** Threads of one PP-OCR model run in a worker process; one, as the worker shares its cores with its Chromium. */
    ZHISHEN_OCR_THREADS: z.coerce.number().int().min(1).max(64).default(1),
    /** Sign an audit checkpoint once this many events wait (besides the end of every batch). */
    ZHISHEN_CHECKPOINT_EVERY_EVENTS: z.coerce.number().int().min(1).default(500),
    /** …or once events have waited this many minutes since the last checkpoint. */
    ZHISHEN_CHECKPOINT_EVERY_MINUTES: z.coerce.number().min(0.1).default(10),
    /**
     * Seconds at most between two attempts of a step that failed for a technical reason (core system,
     * store or OCR down). Such steps are retried without limit, so an outage delays cases and fails none;
     * this bounds how long a case may sit idle after the outage ends.
     */
    ZHISHEN_RETRY_MAX_INTERVAL: z.coerce.number().int().min(1).max(86_400).default(DEFAULT_RETRY.maximumIntervalSeconds),
    /** Seconds a step may be retried before the dashboard shows its case as held up by a fault. */
    ZHISHEN_STUCK_AFTER: z.coerce.number().int().min(1).default(600),
    /** The receipt OCR engine of workers and of `client.ts ocr`. */
    ZHISHEN_OCR_ENGINE: z.preprocess(unsetIfEmpty, EngineNameSchema.default('ppocr')),
    /** The CJK font (TrueType collection, its Simplified Chinese member) of every PDF written. */
    ZHISHEN_CJK_FONT: z.preprocess(unsetIfEmpty, z.string().min(1).default('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')),
    /** The build named in every decision's rule-set version; unset, the git commit of this checkout. */
    ZHISHEN_BUILD: z.preprocess(
      (v) => (typeof v === 'string' ? unsetIfEmpty(v.trim()) : v),
      z
        .string()
        .regex(/^[\w.:+-]{1,80}$/, 'expected a commit or build name (letters, digits, . : + - _)')
        .optional(),
    ),
    /** The `temporal` CLI that runs the embedded dev server; unset, the copy `npm run setup` installs, then the PATH. */
    TEMPORAL_CLI: optionalText,
    /** The schema owner's postgres://… URL, for `client.ts store migrate` only. */
    ZHISHEN_DATABASE_OWNER_URL: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected postgres://…')
        .optional(),
    ),
    /**
     * Keys, each given as its text or as `<name>_FILE` (a mounted secret), else kept under
     * `<dataDir>/keys/`; read where they are used (security/keyFiles.ts), validated here.
     */
    ZHISHEN_ACT_SIGNING_KEY: optionalText,
    ZHISHEN_ACT_SIGNING_KEY_FILE: optionalText,
    /** The public key workers verify human acts with, on a cluster where they should not hold the signing key. */
    ZHISHEN_ACT_VERIFY_KEY: optionalText,
    ZHISHEN_ACT_VERIFY_KEY_FILE: optionalText,
    ZHISHEN_CHECKPOINT_SIGNING_KEY: optionalText,
    ZHISHEN_CHECKPOINT_SIGNING_KEY_FILE: optionalText,
    ZHISHEN_PAYLOAD_KEYS: optionalText,
    ZHISHEN_PAYLOAD_KEYS_FILE: optionalText,
    /** Who acting CLI commands (`review decide`, `review supply`) act as, when --as is not given. */
    ZHISHEN_USER: optionalText,
    /** That person's console password, instead of the prompt. */
    ZHISHEN_PASSWORD: optionalText,
    /** The password `users add` and `users reset-password` set, instead of the prompt. */
    ZHISHEN_NEW_PASSWORD: optionalText,
    /** The mail server notifications are sent through: smtp://user:pass@host:587 or smtps://…:465 (docs/notifications.md); no default. */
    ZHISHEN_SMTP_URL: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .regex(/^smtps?:\/\/[^/\s]+\/?$/, 'expected smtp://host:port or smtps://host:port (user and password optional)')
        .optional(),
    ),
    /** …or the mail server's parts, instead of ZHISHEN_SMTP_URL. */
    ZHISHEN_SMTP_HOST: optionalText,
    ZHISHEN_SMTP_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(65535).optional()),
    ZHISHEN_SMTP_USER: optionalText,
    ZHISHEN_SMTP_PASSWORD: optionalText,
    ZHISHEN_SMTP_PASSWORD_FILE: optionalText,
    /** The sender of notification mail, e.g. 智审 <zhishen@bureau.example>; required with a mail server. */
    ZHISHEN_MAIL_FROM: optionalText,
    /** A webhook notifications are POSTed to as JSON (a 企业微信 or 钉钉 group robot); no default. */
    ZHISHEN_NOTIFY_WEBHOOK_URL: z.preprocess(
      unsetIfEmpty,
      z
        .url()
        .refine((u) => /^https?:\/\//i.test(u), 'expected http://… or https://…')
        .optional(),
    ),
    /** A storm of bot faults, told to the managers: this many `bot-fault` events… */
    ZHISHEN_NOTIFY_FAULT_STORM_COUNT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).default(20)),
    /** …within this many minutes. */
    ZHISHEN_NOTIFY_FAULT_STORM_MINUTES: z.preprocess(unsetIfEmpty, z.coerce.number().min(1).max(1440).default(10)),
    /** Seconds between two rounds of the worker's delivery of pending notifications. */
    ZHISHEN_NOTIFY_INTERVAL_SECONDS: z.preprocess(unsetIfEmpty, z.coerce.number().min(0.1).max(3600).default(15)),
  })
  .superRefine((e, ctx) => {
    const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    const given: Record<string, unknown> = e;
    for (const name of [...SECRET_KEYS, 'LEGACY_PASSWORD', 'ZHISHEN_SMTP_PASSWORD']) {
      if (given[name] && given[`${name}_FILE`]) problem(`${name}_FILE`, `set ${name} or ${name}_FILE, not both`);
    }
    const legacyPassword = e.LEGACY_PASSWORD || e.LEGACY_PASSWORD_FILE;
    if (e.LEGACY_URL && !(e.LEGACY_USERNAME && legacyPassword)) {
      problem(
        e.LEGACY_USERNAME ? 'LEGACY_PASSWORD' : 'LEGACY_USERNAME',
        'LEGACY_URL is set, so the bots log in to the real core system: set LEGACY_USERNAME and LEGACY_PASSWORD (or LEGACY_PASSWORD_FILE) to the account the bureau issued them',
      );
    } else if (Boolean(e.LEGACY_USERNAME) !== Boolean(legacyPassword)) {
      problem(
        e.LEGACY_USERNAME ? 'LEGACY_PASSWORD' : 'LEGACY_USERNAME',
        "set LEGACY_USERNAME and LEGACY_PASSWORD (or LEGACY_PASSWORD_FILE) together, or neither for the stand-in's own account",
      );
    }
    if (e.TEMPORAL_TLS_CERT && !e.TEMPORAL_TLS_KEY)
      problem(
        'TEMPORAL_TLS_KEY',
        'TEMPORAL_TLS_CERT is set but its private key is not: set TEMPORAL_TLS_KEY to the key file of that certificate',
      );
    if (e.TEMPORAL_TLS_KEY && !e.TEMPORAL_TLS_CERT)
      problem('TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY is set but its certificate is not: set TEMPORAL_TLS_CERT to the certificate file');
    if (e.TEMPORAL_API_KEY && e.TEMPORAL_API_KEY_FILE)
      problem('TEMPORAL_API_KEY_FILE', 'set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both');
    const wantsTls =
      e.TEMPORAL_TLS === 'true' || e.TEMPORAL_TLS === '1' || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME;
    const wantsApiKey = e.TEMPORAL_API_KEY || e.TEMPORAL_API_KEY_FILE;
    if (
      (e.TEMPORAL_TLS === 'false' || e.TEMPORAL_TLS === '0') &&
      (e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME || wantsApiKey)
    ) {
      problem(
        'TEMPORAL_TLS',
        'TLS is switched off but TLS settings or an API key are given: an API key and client certificates travel only over TLS',
      );
    }
    if ((wantsTls || wantsApiKey) && !e.TEMPORAL_ADDRESS) {
      problem(
        'TEMPORAL_ADDRESS',
        'TLS or an API key is configured but no cluster: the embedded dev server speaks plain gRPC on loopback, set TEMPORAL_ADDRESS to the cluster',
      );
    }
  });

/** How to reach a Temporal cluster securely; file paths are read when connecting (temporal/connection.ts). */
export interface TemporalSecurity {
  /** null: plain gRPC (the embedded dev server, or a cluster on a trusted network). */
  tls: { certFile?: string; keyFile?: string; caFile?: string; serverName?: string } | null;
  /** The API key itself, or the file it is in; never both. */
  apiKey: { value: string } | { file: string } | null;
}

export type AppConfig = {
  temporal: { address: string | undefined; namespace: string; uiUrl: string; embeddedPort: number; security: TemporalSecurity };
  databaseUrl: string | undefined;
  /** The core business system the bots drive: LEGACY_URL, or the stand-in the stack runs; and the bots' account in it. */
  legacy: { url: string; standIn: boolean; port: number; account: LegacyAccount; standInOptions: StandInOptions };
  chromiumPath: string | undefined;
  /** The browser the bots launch (ZHISHEN_BOT_CHROMIUM); unset: botChromiumPath() of config/defaults.ts. */
  botChromiumPath: string | undefined;
  /** The schema owner's URL, for `store migrate` only. */
  databaseOwnerUrl: string | undefined;
  /** The person at the terminal for acting CLI commands, and the passwords the CLI would otherwise prompt for. */
  cli: { user: string | undefined; password: string | undefined; newPassword: string | undefined };
  dataDir: string;
  consolePort: number;
  /** The console's door: see docs/console-security.md. */
  console: { publicUrl: string | undefined; https: boolean; trustedProxies: string[] };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  worker: {
    queues: TaskQueueName[];
    botSlots: number | undefined;
    botTimeoutMs: number | undefined;
    botTrace: BotTracePolicy;
    ocrSlots: number | undefined;
    ocrThreads: number;
    ocrEngine: EngineName;
  };
  /** Carried into the workflows that batches and schedules start: workflow code cannot read the environment. */
  retry: RetrySettings;
  /** Seconds in retries after which the dashboard lists a case as held up. */
  stuckAfterSeconds: number;
  /** When workers sign audit checkpoints besides the end of every batch. */
  checkpoints: { everyEvents: number; everyMinutes: number };
};

/** `10.0.0.5`, `::1` or `10.1.0.0/16`. */
function isAddressOrBlock(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = net.isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const failure = (error: z.ZodError, variable?: string): Error => {
  const issue = error.issues[0]!;
  return new Error(`environment variable ${variable ?? issue.path.join('.')}: ${issue.message}`);
};

/** Reads and validates the configuration; a bad value is reported by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw failure(parsed.error);
  const e = parsed.data;
  const embeddedPort = e.ZHISHEN_TEMPORAL_PORT;
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://localhost:${embeddedPort + 1000}`).replace(/\/$/, ''),
      embeddedPort,
      security: temporalSecurity(e),
    },
    databaseUrl: e.DATABASE_URL,
    legacy: {
      url: (e.LEGACY_URL ?? `http://127.0.0.1:${e.LEGACY_PORT}`).replace(/\/$/, ''),
      standIn: e.LEGACY_URL === undefined,
      port: e.LEGACY_PORT,
      account: legacyAccount(e),
      standInOptions: {
        host: e.LEGACY_HOST,
        faultSeed: e.LEGACY_FAULT_SEED,
        faults: Object.fromEntries(
          Object.entries({
            latencyMs: e.LEGACY_LATENCY_MS,
            errorRate: e.LEGACY_ERROR_RATE,
            sessionIdleSeconds: e.LEGACY_SESSION_IDLE_SECONDS,
            confirmModal: e.LEGACY_CONFIRM_MODAL,
            pageSize: e.LEGACY_PAGE_SIZE,
          }).filter(([, value]) => value !== undefined),
        ),
      },
    },
    chromiumPath: e.CHROMIUM_PATH,
    botChromiumPath: e.ZHISHEN_BOT_CHROMIUM,
    databaseOwnerUrl: e.ZHISHEN_DATABASE_OWNER_URL,
    cli: { user: e.ZHISHEN_USER, password: e.ZHISHEN_PASSWORD, newPassword: e.ZHISHEN_NEW_PASSWORD },
    dataDir: path.resolve(e.ZHISHEN_DATA_DIR),
    consolePort: e.ZHISHEN_CONSOLE_PORT,
    console: {
      publicUrl: e.ZHISHEN_CONSOLE_PUBLIC_URL?.replace(/\/$/, ''),
      https: e.ZHISHEN_CONSOLE_PUBLIC_URL !== undefined && new URL(e.ZHISHEN_CONSOLE_PUBLIC_URL).protocol === 'https:',
      trustedProxies: e.ZHISHEN_TRUSTED_PROXIES,
    },
    logLevel: e.ZHISHEN_LOG_LEVEL,
    worker: {
      queues: e.ZHISHEN_WORKER_QUEUES,
      botSlots: e.ZHISHEN_BOT_SLOTS,
      botTimeoutMs: e.ZHISHEN_BOT_TIMEOUT_MS,
      botTrace: e.ZHISHEN_BOT_TRACE,
      ocrSlots: e.ZHISHEN_OCR_SLOTS,
      ocrThreads: e.ZHISHEN_OCR_THREADS,
      ocrEngine: e.ZHISHEN_OCR_ENGINE,
    },
    retry: { maximumIntervalSeconds: e.ZHISHEN_RETRY_MAX_INTERVAL },
    stuckAfterSeconds: e.ZHISHEN_STUCK_AFTER,
    checkpoints: { everyEvents: e.ZHISHEN_CHECKPOINT_EVERY_EVENTS, everyMinutes: e.ZHISHEN_CHECKPOINT_EVERY_MINUTES },
  };
}

/**
 * The bots' account: as configured (the schema made sure it is, when LEGACY_URL is set), else the
 * stand-in's own. The password may be in a file (LEGACY_PASSWORD_FILE); a trailing newline is not part of it.
 */
function legacyAccount(e: z.infer<typeof EnvSchema>): LegacyAccount {
  if (!e.LEGACY_USERNAME) return { ...STAND_IN_ACCOUNT };
  const password = readSecret('LEGACY_PASSWORD', {
    LEGACY_PASSWORD: e.LEGACY_PASSWORD,
    LEGACY_PASSWORD_FILE: e.LEGACY_PASSWORD_FILE,
  })!.replace(/\r?\n$/, '');
  if (!password) throw new Error('environment variable LEGACY_PASSWORD_FILE: the file is empty');
  return { username: e.LEGACY_USERNAME, password };
}

function temporalSecurity(e: z.infer<typeof EnvSchema>): TemporalSecurity {
  const apiKey = e.TEMPORAL_API_KEY ? { value: e.TEMPORAL_API_KEY } : e.TEMPORAL_API_KEY_FILE ? { file: e.TEMPORAL_API_KEY_FILE } : null;
  const explicit = e.TEMPORAL_TLS === 'true' || e.TEMPORAL_TLS === '1';
  const anyTls = explicit || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME || apiKey;
  const tls = anyTls
    ? {
        ...(e.TEMPORAL_TLS_CERT && { certFile: e.TEMPORAL_TLS_CERT, keyFile: e.TEMPORAL_TLS_KEY }),
        ...(e.TEMPORAL_TLS_CA && { caFile: e.TEMPORAL_TLS_CA }),
        ...(e.TEMPORAL_TLS_SERVER_NAME && { serverName: e.TEMPORAL_TLS_SERVER_NAME }),
      }
    : null;
  return { tls, apiKey };
}

type Settings = typeof EnvSchema.shape;
/** Settings read where no AppConfig reaches: once per process, or by a module every process shares. */
type StandaloneSetting =
  | 'ZHISHEN_BUILD'
  | 'ZHISHEN_CJK_FONT'
  | 'TEMPORAL_CLI'
  | 'CHROMIUM_PATH'
  // Notifications (notifications/settings.ts): read by the workers and activities that send them.
  | `ZHISHEN_SMTP_${'URL' | 'HOST' | 'PORT' | 'USER' | 'PASSWORD' | 'PASSWORD_FILE'}`
  | 'ZHISHEN_MAIL_FROM'
  | `ZHISHEN_NOTIFY_${'WEBHOOK_URL' | 'FAULT_STORM_COUNT' | 'FAULT_STORM_MINUTES' | 'INTERVAL_SECONDS'}`;

/**
 * One setting on its own, validated by the same schema as the rest: for the few read deep inside
 * shared code (the build a decision records, the font of every PDF, the Temporal CLI, the bots' default browser).
 */
export function setting<K extends StandaloneSetting>(name: K, env: NodeJS.ProcessEnv = process.env): z.output<Settings[K]> {
  const parsed = EnvSchema.shape[name].safeParse(env[name]);
  if (!parsed.success) throw failure(parsed.error, name);
  return parsed.data as z.output<Settings[K]>;
}

/** The address clients and workers connect to: the cluster's, or the embedded server's. */
export function temporalAddress(config: AppConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
}
