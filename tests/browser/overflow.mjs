// Whether a page fits its viewport's width: nothing may make the page scroll sideways, stick out past
// the right edge (cut off, as a wide table's last column is) or scroll sideways inside a box.
//
//   const problems = await horizontalOverflow(page)   // [] when the page fits
//
// Each problem names the element that sticks out (tag, classes, a little of its text) and by how
// much. Only the outermost culprits are named: a table that is too wide is one problem, not one per
// cell. Visually hidden text (govuk-visually-hidden, the skip link) is ignored: it is 1 px, clipped.

export async function horizontalOverflow (page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    // A mobile viewport widens itself to fit wide content, so the screen's width is the limit too.
    const width = Math.min(root.clientWidth, window.screen.width);
    const slack = 0.5; // sub-pixel rounding
    const problems = [];

    const describe = (el) => {
      const classes = [...el.classList].slice(0, 3).map((c) => `.${c}`).join('');
      const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${classes}>${text ? ` "${text}"` : ''}`;
    };
    // Clipped away to nothing: the visually hidden pattern, or inside it.
    const clippedAway = (el) => {
      for (let e = el; e && e !== root; e = e.parentElement) {
        const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        if ((s.clipPath !== 'none' || s.clip !== 'auto') && r.width <= 1 && r.height <= 1) return true;
        if (s.visibility === 'hidden') return true;
      }
      return false;
    };
    const sticksOut = (r) => r.width > 0 && r.height > 0 && r.right > width + slack;

    if (root.scrollWidth > width) problems.push(`the page is ${root.scrollWidth} px wide in a ${width} px window`);

    // Elements past the right edge, and text runs that are (a long address spills out of its box
    // without making the box itself wider).
    const culprits = new Map(); // element -> right edge
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (sticksOut(r) && !clippedAway(el)) culprits.set(el, r.right);
      const s = getComputedStyle(el);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && el !== document.body) {
        problems.push(`${describe(el)} scrolls sideways: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
      }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (!t.textContent.trim() || !t.parentElement || culprits.has(t.parentElement)) continue;
      range.selectNodeContents(t);
      const r = range.getBoundingClientRect();
      if (sticksOut(r) && !clippedAway(t.parentElement)) culprits.set(t.parentElement, r.right);
    }
    const outermost = [...culprits].filter(([el]) => {
      for (let e = el.parentElement; e; e = e.parentElement) if (culprits.has(e)) return false;
      return true;
    });
    outermost.sort((a, b) => b[1] - a[1]); // the widest first
    for (const [el, right] of outermost.slice(0, 5)) problems.push(`${describe(el)} reaches ${Math.round(right)} px`);
    return problems;
  });
}
