/**
 * Makes a fontkit 2 CFF subset write its glyphs without subroutines.
 *
 * fontkit's CFF subset keeps every subroutine index at full length so the glyphs' subroutine
 * numbers stay valid: for Noto Sans CJK that is about 32,000 entries in a notice (the global index and two
 * large private ones), most of the subset's bytes and of a notice's CPU to encode and deflate
 * them. With each glyph's subroutine calls inlined (cffFlatten) the subset has no subroutines:
 * the same outlines and hints in a fraction of the bytes. A glyph's flattened charstring depends
 * only on the face, so it is kept across PDFs.
 *
 * Relies on fontkit 2's CFFSubset internals (subsetCharstrings, subsetSubrs, cff); a subset without
 * them (a TrueType face) is left as it is, and one whose charstrings cannot be flattened is
 * written by fontkit as before.
 */
import { flattenCharstring, UnflattenableCharstring, type ByteRange } from './cffFlatten';

interface CffTable {
  stream: { buffer: Uint8Array };
  version: number;
  globalSubrIndex?: ByteRange[];
  topDict: { CharStrings: ByteRange[] };
  privateDictForGlyph(gid: number): { Subrs?: ByteRange[] } | null;
}

interface CffSubsetInternals {
  glyphs: number[];
  cff?: CffTable;
  charstrings?: Uint8Array[];
  gsubrs?: Uint8Array[];
  subsetCharstrings?: () => void;
  subsetSubrs?: (subrs: unknown, used: unknown) => Uint8Array[] | null;
}

/** Flattened glyphs per CFF table. Bounded: a worker renders for ever, and names bring new glyphs. */
const flattenedByCff = new WeakMap<object, Map<number, Uint8Array>>();
const MAX_GLYPHS_KEPT = 8192;

function flattenedGlyph(cff: CffTable, gid: number): Uint8Array {
  let glyphs = flattenedByCff.get(cff);
  if (!glyphs) flattenedByCff.set(cff, (glyphs = new Map()));
  let flat = glyphs.get(gid);
  if (!flat) {
    const charstring = cff.topDict.CharStrings[gid];
    if (!charstring) throw new UnflattenableCharstring(`no glyph ${gid}`);
    const local = cff.privateDictForGlyph(gid)?.Subrs ?? [];
    flat = flattenCharstring(cff.stream.buffer, charstring, cff.globalSubrIndex ?? [], local);
    if (glyphs.size >= MAX_GLYPHS_KEPT) glyphs.clear();
    glyphs.set(gid, flat);
  }
  return flat;
}

export function writeSubsetWithoutSubrs(subset: unknown): void {
  const s = subset as CffSubsetInternals;
  const { subsetCharstrings, subsetSubrs } = s;
  if (typeof subsetCharstrings !== 'function' || typeof subsetSubrs !== 'function') return;
  const cff = s.cff;
  if (!cff || cff.version >= 2) return;
  s.subsetCharstrings = () => {
    let charstrings: Uint8Array[];
    try {
      charstrings = s.glyphs.map((gid) => flattenedGlyph(cff, gid));
    } catch (err) {
      if (!(err instanceof UnflattenableCharstring)) throw err;
      subsetCharstrings.call(s);
      return;
    }
    s.charstrings = charstrings;
    s.gsubrs = [];
    // The font dicts' local Subrs: none (a null entry is left out of the Private DICT).
    s.subsetSubrs = () => null;
  };
}
