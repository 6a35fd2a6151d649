/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
.state { display: inline-block; padding: .1rem .7rem; border-radius: 1rem; color: #fff; font-weight: 600; }
.open { background: #1a7f37; } .merged { background: #8250df; } .closed { background: #cf222e; }
pre { background: #f6f8fa; padding: 1rem; overflow: auto; border-radius: 6px; }
.add { color: #1a7f37; } .del { color: #cf222e; } .hunk { color: #6e7781; }
button { font-size: 14px; padding: .4rem 1rem; margin-right: .5rem; border-radius: 6px; border: 1px solid #1f232826; cursor: pointer; }
button.merge { background: #1f883d; color: #fff; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; }
.banner { background: #fff8c5; border: 1px solid #d4a72c66; padding: .5rem 1rem; border-radius: 6px; }
`;

/** A whole page: the test server's stand-in for github.com. */
export function page(title: string, body: string) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><p class="banner">GitHub test server: a local stand-in for GitHub, for development and tests.</p>
${body}</body></html>`;
}

/** A unified diff with added and removed lines coloured. */
export function renderDiff(diff: string) {
  const lines = diff.split('\n').map(line => {
    const text = escapeHtml(line);
    if (line.startsWith('+') && !line.startsWith('+++'))
      return `<span class="add">${text}</span>`;
    if (line.startsWith('-') && !line.startsWith('---'))
      return `<span class="del">${text}</span>`;
    if (line.startsWith('@@')) return `<span class="hunk">${text}</span>`;
    return text;
  });
  return `<pre aria-label="Diff">${lines.join('\n')}</pre>`;
}
