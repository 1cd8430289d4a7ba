// Reading a page's forms as a browser would submit them, for tests that post what the page offers
// rather than a body written by hand.

function decode(s) {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\b${name}="([^"]*)"`, 'i'));
  return m ? decode(m[1]) : undefined;
}

/** Every form in `html`: { method, action, tag, body, hidden: { name: value } }. */
export function forms(html) {
  return [...String(html).matchAll(/(<form\b[^>]*>)([\s\S]*?)<\/form>/gi)].map(([, tag, body]) => {
    const hidden = {};
    for (const [input] of body.matchAll(/<input\b[^>]*>/gi))
      if (attr(input, 'type') === 'hidden') hidden[attr(input, 'name')] = attr(input, 'value') ?? '';
    return { method: (attr(tag, 'method') ?? 'get').toLowerCase(), action: attr(tag, 'action'), tag, body, hidden };
  });
}

/** The form of `html` that posts to `action`, or undefined. */
export function postForm(html, action) {
  return forms(html).find((f) => f.method === 'post' && f.action === action);
}
