import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import type { TrustedProxies } from './clientAddress';
import type { LoginFormTokens } from './loginForm';
import type { LoginThrottle } from './rateLimit';
import type { Session, SessionStore } from './sessions';
import type { ReviewActions } from '../temporal/reviewActions';

/** What every handler may use: the parts of the stack, and the state of the console itself. */
export interface ConsoleDeps {
  store: Store;
  temporal: Client;
  config: AppConfig;
  logger: Logger;
  sessions: SessionStore;
  throttle: LoginThrottle;
  loginForms: LoginFormTokens;
  proxies: TrustedProxies;
  actions: ReviewActions;
  attachmentsDir: string;
  /** Served over HTTPS: Secure __Host- cookies and HSTS. */
  secureCookies: boolean;
  /** The origin browsers use (ZHISHEN_CONSOLE_PUBLIC_URL), for the Origin check behind a proxy. */
  publicOrigin: string | undefined;
  now: () => Date;
}

/** One request on its way through the console. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  cookies: Map<string, string>;
  /** A logged-in session whose user the store still has enabled with the same epoch; see server.ts. */
  session: Session | undefined;
  deps: ConsoleDeps;
}

/** A request whose session carries a logged-in user. */
export type AuthedContext = RequestContext & { session: Session };
