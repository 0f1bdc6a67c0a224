/**
 * `npx tsx scripts/importCycles.ts`: lists the import cycles among the project's own modules and
 * exits 1 if there is one. Every import counts — static, dynamic, `import type`, `export … from` —
 * because a cycle of types still ties two modules together. Imports are read and resolved by the
 * TypeScript compiler with tsconfig.json's options, as `tsc` resolves them; nothing outside the
 * project (node_modules) is followed.
 */
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');

function projectFiles(): { files: string[]; options: ts.CompilerOptions } {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  if (!configFile) throw new Error('no tsconfig.json');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { files: parsed.fileNames.map((f) => path.resolve(f)), options: parsed.options };
}

/** Each file's imports of other project files. */
function importGraph(files: string[], options: ts.CompilerOptions): Map<string, string[]> {
  const inProject = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && inProject.has(path.resolve(resolved))) targets.add(path.resolve(resolved));
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const { files, options } = projectFiles();
const found = cycles(importGraph(files, options));
for (const component of found) process.stdout.write(`cycle: ${component.map((f) => path.relative(root, f)).join(' ⇄ ')}\n`);
process.stderr.write(`${files.length} modules, ${found.length} import cycle${found.length === 1 ? '' : 's'}\n`);
process.exit(found.length ? 1 : 0);
