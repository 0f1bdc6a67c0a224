/** Placeholder replaced below. */
import type { OcrEngine } from './engine';
export async function createTesseractEngine(_poolSize?: number): Promise<OcrEngine> {
  throw new Error('not yet');
}
