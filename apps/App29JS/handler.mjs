// Docs site renderer: Markdown pages bundled with the function → sanitised HTML.
// Code blocks are syntax-highlighted only when the page asks for it (?highlight=1).
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import hljs from 'highlight.js';

const __dirname = dirname(fileURLToPath(import.meta.url));
const DOCS = join(__dirname, 'docs');

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const plain = new Marked({ gfm: true });
const highlighted = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }) {
      const language = lang && hljs.getLanguage(lang) ? lang : 'plaintext';
      const html = hljs.highlight(text, { language, ignoreIllegals: true }).value;
      return `<pre><code class="hljs language-${escapeHtml(language)}">${html}</code></pre>\n`;
    },
  },
});

const SANITIZE = {
  allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'h1', 'h2']),
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt'], code: ['class'], span: ['class'] },
  allowedClasses: { code: ['hljs', 'language-*'], span: ['hljs-*'] },
  allowedSchemes: ['https', 'mailto'],
};

export const handler = async (event) => {
  const page = (event.pathParameters && event.pathParameters.page) || 'getting-started';
  const file = join(DOCS, `${page.replace(/[^a-z0-9-]/g, '')}.md`);
  if (!existsSync(file)) {
    return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: `no page ${page}` };
  }
  const query = event.queryStringParameters || {};
  const md = readFileSync(file, 'utf8');
  const renderer = query.highlight === '1' ? highlighted : plain;
  const html = sanitizeHtml(renderer.parse(md), SANITIZE);
  const title = (/^# (.*)$/m.exec(md) || [, page])[1];
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>${escapeHtml(title)}</title><main>${html}</main>`,
  };
};
