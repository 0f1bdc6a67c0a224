import fs from 'node:fs';
import { parseCaseFile } from '../rules';
import type { CaseFile } from '../rules/schemas';
import { legacyDataFile, loadLegacyData, saveLegacyData } from '../fixtures/legacy-system/records';
import { seedCaseFile } from '../fixtures/legacy-system/seed';

/**
 * `legacy seed FILE...`: loads the system-of-record facts of case files into the core-system
 * stand-in. All files are checked first; one bad file seeds nothing, so the data is never half-written.
 */
export function seedLegacy(dataDir: string, files: string[]): { seeded: number; file: string } {
  const caseFiles = files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const parsed = parseCaseFile(json);
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
    return parsed.caseFile;
  });
  return seedCaseFiles(dataDir, caseFiles);
}

/** Stores the system-of-record facts of validated case files in the stand-in, in one write. */
export function seedCaseFiles(dataDir: string, caseFiles: readonly CaseFile[]): { seeded: number; file: string } {
  const target = legacyDataFile(dataDir);
  const data = loadLegacyData(target);
  for (const caseFile of caseFiles) seedCaseFile(data, caseFile);
  saveLegacyData(target, data);
  return { seeded: caseFiles.length, file: target };
}
