/**
 * Uploads from the editor (图片、附件上传). The hook is the textarea's `data-upload-url`: when set, the
 * image and attachment buttons offer a file, which is POSTed here as multipart/form-data with one
 * field, `file`, same-origin with the session cookie and the form's CSRF token in `x-csrf-token`
 * (@fastify/csrf-protection reads that header). The answer must be 2xx JSON `{ "url", "filename" }`;
 * anything else is shown to the editor as a failed upload, with the server's `message` if it sent one.
 */

/** What the upload URL answers. */
export interface Uploaded {
  url: string;
  filename: string;
}

const MESSAGE_UPLOAD_FAILED = '上传失败';
const MESSAGE_NO_URL = '服务器没有返回文件地址';

/** POST one file to `url` and return the stored file's address and name. */
export async function uploadFile(url: string, file: File, csrfToken: string | undefined): Promise<Uploaded> {
  const body = new FormData();
  body.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, { method: 'POST', body, headers, credentials: 'same-origin' });
  const json = (await response.json().catch(() => null)) as Partial<Uploaded> & { message?: unknown } | null;
  if (!response.ok || !json) {
    const why = json && typeof json.message === 'string' ? json.message : `HTTP ${response.status}`;
    throw new Error(`${MESSAGE_UPLOAD_FAILED}：${why}`);
  }
  if (typeof json.url !== 'string' || json.url === '') throw new Error(`${MESSAGE_UPLOAD_FAILED}：${MESSAGE_NO_URL}`);
  return { url: json.url, filename: typeof json.filename === 'string' && json.filename ? json.filename : file.name };
}

/** The CSRF token of the form around the textarea, if the page put one there. */
export function csrfTokenOf(form: HTMLFormElement | null): string | undefined {
  const input = form?.querySelector<HTMLInputElement>('input[name="_csrf"]');
  return input?.value || undefined;
}
