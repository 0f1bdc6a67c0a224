import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type { Store } from '../store';
import type { LoginRateLimiter } from './rateLimit';
import type { Session, SessionStore } from './sessions';
import type { ReviewActions } from '../temporal/reviewActions';

/** What every handler may use: the parts of the stack, and the state of the console itself. */
export interface ConsoleDeps {
  store: Store;
  temporal: Client;
  config: AppConfig;
  logger: Logger;
  sessions: SessionStore;
  loginLimiter: LoginRateLimiter;
  actions: ReviewActions;
  attachmentsDir: string;
  secureCookies: boolean;
  now: () => Date;
}

/** One request on its way through the console. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session | undefined;
  deps: ConsoleDeps;
}

/** A request whose session carries a logged-in user. */
export type AuthedContext = RequestContext & { session: Session & { user: NonNullable<Session['user']> } };
