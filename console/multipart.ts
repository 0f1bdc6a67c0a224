import type { IncomingMessage } from 'node:http';
import { HttpError } from './http';

/** Supplied documents: up to ten receipts of at most 20 MB each would be more than any claimant sends at once. */
const MAX_UPLOAD_BYTES = 60 * 1024 * 1024;

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

/**
 * A multipart/form-data submission (a file upload): its text fields and its files. The body is
 * read up to a cap, then parsed by the runtime's own Fetch implementation rather than by hand.
 */
export async function readMultipartForm(
  req: IncomingMessage,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<{ form: URLSearchParams; files: UploadedFile[] }> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data;\s*boundary=/i.test(contentType)) throw new HttpError(415, '上传文件须以 multipart/form-data 提交');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpError(413, `上传内容过大（最多 ${maxBytes / 1024 / 1024} MB）`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `上传内容过大（最多 ${maxBytes / 1024 / 1024} MB）`);
    chunks.push(chunk);
  }
  let parsed: FormData;
  try {
    parsed = await new Request('http://console.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    throw new HttpError(400, '上传内容格式有误');
  }
  const form = new URLSearchParams();
  const files: UploadedFile[] = [];
  const entries: [string, FormDataEntryValue][] = [];
  parsed.forEach((value, key) => entries.push([key, value]));
  for (const [key, value] of entries) {
    if (typeof value === 'string') form.append(key, value);
    else if (value.name || value.size > 0) files.push({ name: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { form, files };
}
