/**
 * Detected text boxes made safe at their ends before recognition. DB detection can stop short of a
 * line's last character where it touches a cell's rule, or find that character as a box of its own:
 * either way a long name loses its end (…医院 read as …医). A small box right after a line on the
 * same baseline is merged into it, and every box is widened by a fraction of its height, never
 * further than halfway to the next box on its line, so that no neighbour's character is pulled in.
 */
import type { TextBox } from './engine';

/** Widening on each side, as a share of the box's height. */
export const EDGE_PADDING = 0.3;
/** Largest gap, as a share of height, across which a short box joins the line before it. */
const MERGE_GAP = 0.35;
/** A box no wider than this many heights holds one or two characters: a split-off line end. */
const SHORT_BOX = 1.6;

function height(box: TextBox): number {
  return box.y1 - box.y0;
}

/** Same line: they overlap vertically by most of the smaller height. */
function sameLine(a: TextBox, b: TextBox): boolean {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return overlap >= 0.6 * Math.min(height(a), height(b));
}

/** Merges split-off line ends into their lines, then pads each box within its neighbours. */
export function safeEdges(boxes: readonly TextBox[], pageWidth: number): TextBox[] {
  return pad(mergeLineEnds(boxes), pageWidth);
}

export function mergeLineEnds(boxes: readonly TextBox[]): TextBox[] {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0);
  const merged: TextBox[] = [];
  for (const box of sorted) {
    const line = merged.find((kept) => {
      if (!sameLine(kept, box)) return false;
      const gap = box.x0 - kept.x1;
      const h = Math.max(height(kept), height(box));
      const short = box.x1 - box.x0 <= SHORT_BOX * h;
      return short && gap <= MERGE_GAP * h && box.x0 > kept.x0;
    });
    if (line) {
      line.x1 = Math.max(line.x1, box.x1);
      line.y0 = Math.min(line.y0, box.y0);
      line.y1 = Math.max(line.y1, box.y1);
    } else merged.push({ ...box });
  }
  return merged;
}

export function pad(boxes: readonly TextBox[], pageWidth: number): TextBox[] {
  return boxes.map((box) => {
    const want = Math.round(EDGE_PADDING * height(box));
    let [left, right] = [want, want];
    for (const other of boxes) {
      if (other === box || !sameLine(box, other)) continue;
      if (other.x1 <= box.x0) left = Math.min(left, Math.floor((box.x0 - other.x1) / 2));
      if (other.x0 >= box.x1) right = Math.min(right, Math.floor((other.x0 - box.x1) / 2));
    }
    return { ...box, x0: Math.max(0, box.x0 - Math.max(0, left)), x1: Math.min(pageWidth, box.x1 + Math.max(0, right)) };
  });
}
