/**
 * What a parameter version cites: the policy document it applies (文号, e.g. 医保办发〔2021〕43号)
 * and, for every rule of its business, the article (条款) that rule applies. Where the rulebook
 * names no document, the version cites the section of POLICY.md it comes from.
 */
import { z } from 'zod';
import { BUSINESS_NAMES, type CaseType } from './caseTypes';
import { rulesOf } from './catalogue';

const text = (what: string, max: number) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} is at most ${max} characters` });

/** The citation of a version of `business`: its 文号 and one article per rule of the business, no more, no fewer. */
export function CitationSchemaOf(business: CaseType) {
  const ruleIds = rulesOf(business).map((r) => r.id);
  return z
    .object(
      {
        documentNumber: text('the document number (文号)', 100),
        articles: z.record(z.string(), text('an article (条款)', 200), { error: 'expected an object of rule ID → article (条款)' }),
      },
      { error: 'expected a citation { documentNumber, articles }' },
    )
    .superRefine((citation, ctx) => {
      for (const id of ruleIds)
        if (!Object.hasOwn(citation.articles, id))
          ctx.addIssue({ code: 'custom', path: ['articles', id], message: `the article (条款) rule ${id} applies is missing` });
      for (const id of Object.keys(citation.articles))
        if (!ruleIds.includes(id))
          ctx.addIssue({
            code: 'custom',
            path: ['articles', id],
            message: `${id} is not a rule of ${BUSINESS_NAMES[business]} (${business})`,
          });
    });
}
export type Citation = z.infer<ReturnType<typeof CitationSchemaOf>>;

/** Who proposed and who approved a version published through the store (proven people, never the file's say). */
export const PublicationSchema = z.object({
  id: z.int().min(1),
  proposedBy: z.string().min(1),
  approvedBy: z.string().min(1),
  approvedAt: z.string().min(1),
});
export type Publication = z.infer<typeof PublicationSchema>;

/** One rule's legal basis as people read it: `医保办发〔2021〕43号 POLICY.md §2 TR-01`. */
export interface RuleCitation {
  documentNumber: string;
  article: string;
}

/** The basis as one line for a table cell or a notice. */
export function citationText(c: RuleCitation): string {
  // An article already in the same document (POLICY.md §1 … under POLICY.md §1) is not named twice.
  const document = c.documentNumber.split(/\s/)[0]!;
  return c.article.startsWith(document) ? c.article : `${c.documentNumber} ${c.article}`;
}
