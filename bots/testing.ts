/** Shared set-up of the bot tests: a seeded stand-in of the core system and sessions on it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import type { FactsQuery } from './facts';
import { STAND_IN_DEFAULT_CREDENTIALS } from '../fixtures/legacy-system/credentials';
import { SkippingClock } from '../fixtures/legacy-system/clock';
import type { Faults } from '../fixtures/legacy-system/faults';
import { saveLegacyData, type LegacyData } from '../fixtures/legacy-system/records';
import { startLegacySystem, type RunningLegacySystem } from '../fixtures/legacy-system/server';
import { seededLegacyData, standInCaseFiles } from '../fixtures/legacy-system/testData';
import type { CaseFile } from '../rules/schemas';
import { BotSession } from './session';

export const TEST_CREDENTIALS = { ...STAND_IN_DEFAULT_CREDENTIALS };

export interface SeededStandIn {
  system: RunningLegacySystem;
  /** The data as seeded, before any entry. */
  data: LegacyData;
  caseFiles: CaseFile[];
  dataFile: string;
  /** The stand-in's clock: skip it past the idle limit to expire sessions without waiting. */
  clock: SkippingClock;
}

/** A stand-in seeded with the worked examples and `generated` generated cases; `adjust` may change the data first. */
export async function startSeededStandIn(
  options: { generated?: number; faults?: Partial<Faults>; seed?: number; adjust?: (data: LegacyData) => void } = {},
): Promise<SeededStandIn> {
  const dataFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-bots-')), 'legacy', 'records.json');
  const caseFiles = standInCaseFiles(options.generated ?? 0);
  const data = seededLegacyData(caseFiles);
  options.adjust?.(data);
  saveLegacyData(dataFile, data);
  const clock = new SkippingClock();
  const system = await startLegacySystem({ dataFile, faults: options.faults, seed: options.seed, now: clock.now });
  return { system, data, caseFiles, dataFile, clock };
}

/** The query an intake row of this case file gives (what the clerk types into 人员查询). */
export function queryFor(caseFile: CaseFile): FactsQuery {
  const query: FactsQuery = { type: caseFile.type, idNumber: caseFile.person.idNumber, name: caseFile.person.name };
  if (caseFile.type === 'reimbursement') {
    query.hospitalCode = caseFile.visit.hospital.code;
    query.admissionDate = caseFile.visit.admissionDate;
    query.visitKind = caseFile.visit.kind;
  }
  return query;
}

/** A fresh context and page on the stand-in, not logged in yet. */
export async function openSession(browser: Browser, url: string, timeoutMs = 10_000): Promise<BotSession> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  return new BotSession(await context.newPage(), { baseUrl: url, credentials: TEST_CREDENTIALS, timeoutMs });
}
