/**
 * Two readings of the same run of digits, chi_sim's and eng's, made into one: where they agree the
 * character is as certain as the surer of the two; where they differ eng's digit wins (chi_sim's
 * known confusions are in digits) but neither is trusted.
 */

export interface CharReading {
  text: string;
  chars: number[];
}

/** Ceiling on characters the two engines disagree about. */
const DISAGREEMENT_CEILING = 0.5;
/** Ceiling when only chi_sim saw the run (eng read nothing). */
const UNCONFIRMED_CEILING = 0.8;

/** The reconciled reading of a run of digits. */
export function reconcileDigits(chinese: CharReading, english: CharReading): CharReading {
  const eng = withoutSpaces(english);
  if (eng.text === '') return { text: chinese.text, chars: chinese.chars.map((c) => Math.min(c, UNCONFIRMED_CEILING)) };
  if (eng.text.length !== chinese.text.length) {
    // One character fewer is chi_sim's ¥ read as a digit: eng, told to read digits only, drops it.
    // Any other difference in length is a crop that caught a neighbour: chi_sim stays, doubted.
    const dropped = eng.text.length === chinese.text.length - 1 && chinese.text.endsWith(eng.text);
    return dropped
      ? { text: eng.text, chars: eng.chars.map((c) => Math.min(c, DISAGREEMENT_CEILING + 0.1)) }
      : { text: chinese.text, chars: chinese.chars.map((c) => Math.min(c, DISAGREEMENT_CEILING + 0.1)) };
  }
  const chars = Array.from(eng.text, (char, i) =>
    char === chinese.text[i] ? Math.max(eng.chars[i] ?? 0, chinese.chars[i] ?? 0) : Math.min(eng.chars[i] ?? 0, DISAGREEMENT_CEILING),
  );
  return { text: eng.text, chars };
}

function withoutSpaces(reading: CharReading): CharReading {
  let text = '';
  const chars: number[] = [];
  Array.from(reading.text).forEach((char, i) => {
    if (/\s/.test(char)) return;
    text += char;
    chars.push(reading.chars[i] ?? 0);
  });
  return { text, chars };
}
