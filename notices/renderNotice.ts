import { renderTextPdf } from '../reports/pdfDocument';
import { defaultBureau, NoticeRecord, noticeBlocks, noticeTitle, type NoticeBureau } from './noticeContent';

/** The notice to the applicant as a PDF (CJK font embedded as a subset). Needs the npm package fontkit 2.x. */
export function renderNotice(record: NoticeRecord, bureau: NoticeBureau = defaultBureau): Promise<Uint8Array> {
  const parsed = NoticeRecord.parse(record);
  return renderTextPdf(noticeBlocks(parsed, bureau), {
    title: `${noticeTitle(parsed.outcome)} ${parsed.caseId}`,
    subject: parsed.caseId,
    author: bureau.name,
  });
}
