import { html, type SafeHtml } from '../html';

/** One field a correction changed. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** The before/after table of a correction, as the case page and the auditors' trail page show it. */
export function correctionDiff(changes: readonly FieldChange[], show: (value: unknown) => string): SafeHtml {
  return html`<table class="diff">
    <thead>
      <tr>
        <th>字段</th>
        <th>更正前</th>
        <th>更正后</th>
      </tr>
    </thead>
    <tbody>
      ${changes.map(
        (c) =>
          html`<tr>
            <td><code>${c.path}</code></td>
            <td class="before">${show(c.before)}</td>
            <td class="after">${show(c.after)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
