/**
 * The console's rich-text editor (富文本编辑器), built on Tiptap (MIT; ProseMirror underneath) and
 * bundled into dist/zq-editor.js by build.mjs, served by us under /_console/editor/.
 *
 * It enhances a plain form: each `<textarea data-zq-editor>` is hidden and replaced by the editor,
 * which writes its HTML back into the textarea on every change, so the form posts the same field
 * with no other script, and without JS the textarea is still there to type HTML into. Optional:
 * `data-upload-url` turns on image and attachment uploads (see upload.ts for the contract).
 *
 * The console's CSP has no 'unsafe-inline' for styles: Tiptap's injected <style> is off (its rules
 * are in editor.css) and nothing here sets a style attribute. Text alignment is left out for that
 * reason: Tiptap writes it as inline styles, which the CSP refuses and the sanitiser removes.
 */
import { Editor, mergeAttributes, type Attributes } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import Subscript from '@tiptap/extension-subscript';
import Superscript from '@tiptap/extension-superscript';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { InlinePrompt, type PromptField } from './inline-prompt.js';
import { createToolbar, focusToolbar, type ToolContext } from './toolbar.js';
import { csrfTokenOf, uploadFile, type Uploaded } from './upload.js';
import { cleanPastedHtml } from './word-paste.js';

/** The file types the platform accepts as attachments (the server checks them again, by content). */
const ATTACHMENT_ACCEPT = '.pdf,.ofd,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.dps,.txt,.jpg,.jpeg,.png,.gif,.zip,.rar,.7z';
const IMAGE_ACCEPT = 'image/png,image/jpeg,image/gif,image/webp';

const MESSAGE_BAD_LINK = '链接地址无效：只能是 http(s)、mailto、tel 地址或站内地址';
const MESSAGE_BAD_IMAGE = '图片地址无效：只能是 http(s) 地址或站内地址';
const MESSAGE_NO_IMAGE = '请填写图片地址或选择要上传的图片';
const MESSAGE_NO_FILE = '请选择要上传的文件';
const MESSAGE_UPLOADING = '正在上传…';

/** Tables as plain markup: Tiptap's own adds a <colgroup> and inline widths, which the sanitiser drops anyway. */
const PlainTable = Table.extend({
  renderHTML({ HTMLAttributes }) {
    return ['table', mergeAttributes(this.options.HTMLAttributes, HTMLAttributes), ['tbody', 0]];
  },
});

/** Only the spans that mean something: no colspan="1" rowspan="1" on every cell, no data-colwidth (no resizing). */
function cellAttributes(parent: Attributes | undefined): Attributes {
  const span = (name: 'colspan' | 'rowspan') => ({
    ...parent?.[name], default: 1,
    renderHTML: (attrs: Record<string, unknown>) => (Number(attrs[name]) > 1 ? { [name]: attrs[name] } : {}),
  });
  return { ...parent, colspan: span('colspan'), rowspan: span('rowspan'), colwidth: { ...parent?.colwidth, default: null, renderHTML: () => ({}) } };
}
const PlainCell = TableCell.extend({ addAttributes() { return cellAttributes(this.parent?.()); } });
const PlainHeader = TableHeader.extend({ addAttributes() { return cellAttributes(this.parent?.()); } });

const editors = new WeakMap<HTMLTextAreaElement, Editor>();
let count = 0;

/**
 * A link as typed: http(s), mailto, tel and site-relative addresses pass; `www.gov.cn` gets
 * https://; any other scheme (javascript:, data:, file:) is refused with null; '' means remove.
 */
export function normaliseLink(raw: string): string | null {
  const url = raw.trim();
  if (url === '') return '';
  if (/^(?:https?:\/\/|mailto:|tel:|\/|#|\.\.?\/|\?)/i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return null;
  return `https://${url}`;
}

/** An image address: http(s) or site-relative only. */
export function normaliseImageSrc(raw: string): string | null {
  const url = normaliseLink(raw);
  return url === null || /^(?:mailto|tel):|^#/i.test(url) ? null : url;
}

/** The editor's HTML for the form: '' when empty, and without the empty paragraph kept after a last table. */
function htmlOf(editor: Editor): string {
  if (editor.isEmpty) return '';
  return editor.getHTML().replace(/(?:<p><\/p>)+$/, '');
}

function stem(filename: string): string {
  return filename.replace(/\.[^.]+$/, '');
}

/** Replace one `<textarea>` by the editor; returns the editor (the same one if it is mounted already). */
export function mountEditor(textarea: HTMLTextAreaElement): Editor {
  const existing = editors.get(textarea);
  if (existing) return existing;
  const id = textarea.id || `zq-editor-${++count}`;
  textarea.id = id;
  const label = textarea.labels?.[0];
  if (label && !label.id) label.id = `${id}-label`;
  const name = label?.textContent?.trim() || textarea.getAttribute('aria-label') || '正文';
  const uploadUrl = textarea.dataset.uploadUrl || undefined;
  const form = textarea.form;

  const root = document.createElement('div');
  root.className = 'zq-editor';
  const host = document.createElement('div');
  host.className = 'zq-editor-body';
  const status = document.createElement('p');
  status.className = 'zq-editor-status';
  status.setAttribute('role', 'status');
  const prompt = new InlinePrompt(id);
  const say = (message: string) => {
    status.textContent = message;
  };

  const contentId = `${id}-content`;
  const describedBy = textarea.getAttribute('aria-describedby');
  const editor = new Editor({
    element: host,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4, 5, 6] },
        code: false,
        codeBlock: false,
        link: { openOnClick: false, autolink: true, defaultProtocol: 'https', HTMLAttributes: { target: null, rel: null } },
      }),
      PlainTable.configure({ resizable: false }),
      TableRow,
      PlainHeader,
      PlainCell,
      Image.configure({ inline: false, allowBase64: false }),
      Subscript,
      Superscript,
    ],
    content: textarea.value,
    injectCSS: false,
    editable: !textarea.disabled && !textarea.readOnly,
    editorProps: {
      attributes: {
        id: contentId,
        class: 'zq-editor-content',
        role: 'textbox',
        'aria-multiline': 'true',
        ...(label ? { 'aria-labelledby': label.id } : { 'aria-label': name }),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(textarea.required ? { 'aria-required': 'true' } : {}),
      },
      transformPastedHTML: (html) => cleanPastedHtml(html),
    },
  });

  async function upload(file: File): Promise<Uploaded | undefined> {
    say(MESSAGE_UPLOADING);
    try {
      const uploaded = await uploadFile(uploadUrl!, file, csrfTokenOf(form));
      say(`已上传：${uploaded.filename}`);
      return uploaded;
    } catch (err) {
      say(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /** Link the selection, or insert `text` as a link where the cursor is. */
  function insertLink(href: string, text: string): void {
    if (editor.state.selection.empty && !editor.isActive('link')) {
      editor.chain().focus().insertContent({ type: 'text', text, marks: [{ type: 'link', attrs: { href } }] }).run();
    } else {
      editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
    }
  }

  const context: ToolContext = {
    editor,
    async link() {
      const current = (editor.getAttributes('link') as { href?: string }).href ?? '';
      const answer = await prompt.ask('链接', [{ name: 'href', label: '链接地址', type: 'url', value: current, hint: '留空则取消链接' }]);
      if (!answer) return void editor.commands.focus();
      const href = normaliseLink(String(answer.href ?? ''));
      if (href === null) {
        say(MESSAGE_BAD_LINK);
        return void editor.commands.focus();
      }
      if (href === '') editor.chain().focus().extendMarkRange('link').unsetLink().run();
      else insertLink(href, href);
    },
    async image() {
      const fields: PromptField[] = [{ name: 'src', label: '图片地址', type: 'url' }];
      if (uploadUrl) fields.push({ name: 'file', label: '或上传图片', type: 'file', accept: IMAGE_ACCEPT });
      fields.push({ name: 'alt', label: '图片说明（替代文字）', type: 'text', hint: '读屏软件朗读这段文字；说明图片的内容' });
      const answer = await prompt.ask('插入图片', fields);
      if (!answer) return void editor.commands.focus();
      let src: string | null = String(answer.src ?? '');
      let alt = String(answer.alt ?? '');
      if (answer.file instanceof File) {
        const uploaded = await upload(answer.file);
        if (!uploaded) return void editor.commands.focus();
        src = uploaded.url;
        alt ||= stem(uploaded.filename);
      }
      src = normaliseImageSrc(src);
      if (!src) {
        say(src === null ? MESSAGE_BAD_IMAGE : MESSAGE_NO_IMAGE);
        return void editor.commands.focus();
      }
      editor.chain().focus().setImage({ src, alt }).run();
    },
    async attachment() {
      const answer = await prompt.ask('上传附件', [
        { name: 'file', label: '选择文件', type: 'file', accept: ATTACHMENT_ACCEPT },
        { name: 'text', label: '链接文字', type: 'text', hint: '留空则用文件名' },
      ]);
      if (!answer) return void editor.commands.focus();
      if (!(answer.file instanceof File)) {
        say(MESSAGE_NO_FILE);
        return void editor.commands.focus();
      }
      const uploaded = await upload(answer.file);
      if (!uploaded) return void editor.commands.focus();
      insertLink(uploaded.url, String(answer.text ?? '') || uploaded.filename);
    },
  };
  const toolbar = createToolbar(context, { label: `${name}格式工具栏`, controls: contentId, uploads: Boolean(uploadUrl) });

  root.append(toolbar.element, prompt.element, host, status);
  textarea.after(root);
  textarea.hidden = true;

  editor.on('update', () => {
    textarea.value = htmlOf(editor);
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  });
  editor.on('transaction', () => toolbar.refresh());
  editor.view.dom.addEventListener('keydown', (event) => {
    if (event.altKey && event.key === 'F10') {
      event.preventDefault();
      focusToolbar(toolbar.element);
    }
  });
  // The label points at the hidden textarea; a click on it should reach the text instead.
  label?.addEventListener('click', (event) => {
    event.preventDefault();
    editor.commands.focus();
  });
  if (textarea.required) {
    // A hidden required control would block the form with a message nobody can see.
    textarea.required = false;
    form?.addEventListener('submit', (event) => {
      if (!editor.isEmpty) return;
      event.preventDefault();
      say(`${name}不能为空`);
      editor.commands.focus();
    });
  }
  editors.set(textarea, editor);
  return editor;
}

/** Mount an editor on every `textarea[data-zq-editor]` under `root`. */
export function mountAll(root: ParentNode = document): Editor[] {
  return Array.from(root.querySelectorAll<HTMLTextAreaElement>('textarea[data-zq-editor]')).map(mountEditor);
}

/** The editor mounted on a textarea, if any (for page scripts and tests). */
export function editorFor(textarea: HTMLTextAreaElement): Editor | undefined {
  return editors.get(textarea);
}

export { cleanPastedHtml };

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => mountAll());
  else mountAll();
}
