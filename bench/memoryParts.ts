/**
 * What each part of a worker process costs resident, loaded alone in a fresh process:
 * `npx tsx bench/memoryParts.ts PART [receipts dir]`, PART one of base, modules, ppocr, witness,
 * sharp, bundle, playwright, notices. Prints RSS before and after (and the peak) in MB.
 */
import fs from 'node:fs';
import path from 'node:path';

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
function status(): { rss: number; hwm: number } {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
}
const marks: Record<string, unknown>[] = [];
function mark(label: string): void {
  const m = process.memoryUsage();
  marks.push({ label, ...status(), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) });
}
const settle = () => new Promise((r) => setTimeout(r, 1500));

const [part = 'base', receiptsDir = '/tmp/zhishen-bench-corpus/v1-seed20261201-n150/attachments'] = process.argv.slice(2);
const receipts = fs.existsSync(receiptsDir)
  ? fs
      .readdirSync(receiptsDir)
      .filter((f) => /\.(png|jpg|pdf)$/.test(f))
      .map((f) => path.join(receiptsDir, f))
  : [];
mark('start');
switch (part) {
  case 'base':
    break;
  case 'modules': {
    await import('../worker');
    await settle();
    mark('worker.ts module graph imported');
    break;
  }
  case 'ppocr': {
    const { createReceiptReader } = await import('../ocr');
    mark('ocr imported');
    const reader = createReceiptReader({ engine: 'ppocr' });
    const images = receipts.filter((f) => !f.endsWith('.pdf'));
    await reader.read({ name: path.basename(images[0]!), bytes: fs.readFileSync(images[0]!) }).catch(() => null);
    mark('models loaded, 1 image read');
    for (const f of receipts) await reader.read({ name: path.basename(f), bytes: fs.readFileSync(f) }).catch(() => null);
    mark(`${receipts.length} receipts read`);
    for (const f of receipts) await reader.read({ name: path.basename(f), bytes: fs.readFileSync(f) }).catch(() => null);
    mark(`${receipts.length} receipts read again`);
    await settle();
    mark('idle 1.5 s');
    await reader.close();
    await settle();
    mark('reader closed');
    break;
  }
  case 'ocr-images': {
    // The images alone (what PP-OCR reads), twice, with the CPU of every thread of the process.
    const { createReceiptReader } = await import('../ocr');
    const reader = createReceiptReader({ engine: 'ppocr' });
    const images = receipts.filter((f) => !f.endsWith('.pdf'));
    mark('ocr imported');
    const cpu = process.cpuUsage();
    for (let round = 1; round <= 2; round++) {
      for (const f of images) await reader.read({ name: path.basename(f), bytes: fs.readFileSync(f) }).catch(() => null);
      mark(`${images.length} images read (round ${round})`);
    }
    const used = process.cpuUsage(cpu);
    console.log(`CPU s: ${((used.user + used.system) / 1e6).toFixed(1)}`);
    await reader.close();
    await settle();
    mark('reader closed');
    break;
  }
  case 'witness': {
    const { createTesseractWitness } = await import('../ocr/witness');
    const sharp = (await import('sharp')).default;
    const witness = createTesseractWitness();
    mark('imported');
    const img = receipts.find((f) => !f.endsWith('.pdf'))!;
    const { data, info } = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
    const page = { width: info.width, height: info.height, data: new Uint8Array(data) };
    const box = { x0: 50, y0: 50, x1: Math.min(page.width, 600), y1: 100 };
    await witness.read(page, [box], 'chinese');
    mark('chi_sim worker started, 1 line read');
    for (let i = 0; i < 20; i++) await witness.read(page, [{ ...box, y0: 50 + i * 40, y1: 90 + i * 40 }], 'chinese');
    mark('21 lines read');
    await witness.read(page, [box], 'hex');
    mark('eng worker started too');
    await witness.close();
    await settle();
    mark('closed');
    break;
  }
  case 'sharp': {
    const sharp = (await import('sharp')).default;
    mark('imported');
    for (const f of receipts.filter((f) => !f.endsWith('.pdf'))) await sharp(f).greyscale().resize({ width: 1400 }).raw().toBuffer();
    mark('16 images decoded and scaled');
    console.log(JSON.stringify(sharp.cache()));
    sharp.cache(false);
    await settle();
    mark('cache off');
    break;
  }
  case 'bundle': {
    const { bundleWorkflows } = await import('../worker');
    const { createLogger } = await import('../logging/logger');
    mark('imported');
    const bundle = await bundleWorkflows(createLogger('probe', { level: 'error' }));
    mark(`bundled (${mb(bundle.code.length)} MB of code)`);
    await settle();
    mark('idle');
    break;
  }
  case 'playwright': {
    const { chromium } = await import('playwright');
    mark('imported');
    const browser = await chromium.launch({ executablePath: process.env.ZHISHEN_BOT_CHROMIUM ?? '/usr/lib/chromium/chromium' });
    const contexts = await Promise.all([0, 1, 2, 3].map(() => browser.newContext()));
    for (const c of contexts) {
      const p = await c.newPage();
      await p.setContent('<html><body>' + '<p>row</p>'.repeat(500) + '</body></html>');
    }
    mark('browser launched, 4 contexts with a page');
    await browser.close();
    break;
  }
  case 'notices': {
    const { noticeRecords } = await import('./noticeBench');
    const { renderNotice } = await import('../notices/renderNotice');
    mark('imported');
    const records = noticeRecords(50);
    await renderNotice(records[0]!);
    mark('1 notice (fonts loaded)');
    for (const r of records) await renderNotice(r);
    mark('50 notices');
    break;
  }
  default:
    throw new Error(`unknown part ${part}`);
}
console.table(marks);
process.exit(0);
