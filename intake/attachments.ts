import fs from 'node:fs';
import path from 'node:path';

const RECEIPT_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.pdf']);

/**
 * A case's receipt attachment on disk, looked up under the attachments directory (in the case's own
 * folder first); undefined when it is not there, of an unknown type, or would resolve outside.
 */
export function findAttachment(attachmentsDir: string, caseId: string, name: string): { file: string } | undefined {
  if (!RECEIPT_EXTENSIONS.has(path.extname(name).toLowerCase()) || name.includes('..') || path.isAbsolute(name) || /[\\\0]/.test(name))
    return undefined;
  let root: string;
  try {
    root = fs.realpathSync(attachmentsDir);
  } catch {
    return undefined;
  }
  for (const candidate of [path.join(root, caseId, name), path.join(root, name)]) {
    try {
      const real = fs.realpathSync(candidate);
      if (real.startsWith(root + path.sep) && fs.statSync(real).isFile()) return { file: real };
    } catch {
      // not there: try the next place
    }
  }
  return undefined;
}
