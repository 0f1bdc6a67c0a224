/**
 * The one place where text becomes HTML. Every page is built with the `html` tag: whatever is
 * interpolated is escaped unless it is itself the product of `html`, so an unescaped field would
 * need a deliberate act rather than a forgotten call.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

/** A fragment of markup already escaped by `html`; nothing else constructs one. */
export class SafeHtml {
  private constructor(readonly markup: string) {}
  /** Only `html` calls this: the markup must already be escaped. */
  static of(markup: string): SafeHtml {
    return new SafeHtml(markup);
  }
  toString(): string {
    return this.markup;
  }
}

export type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value instanceof SafeHtml) return value.markup;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/** Tagged template: literal parts are trusted markup, every interpolation is escaped. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return SafeHtml.of(out);
}
