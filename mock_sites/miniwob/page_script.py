"""The scripts the env runs in a MiniWoB page: start a seeded episode, read its state, and
serialise the live DOM into plain HTML that `envs.page.parse_page` reads.

The serialised HTML keeps only what is shown (no ``display: none`` subtrees, nothing of zero
size), carries live values (typed text, ``checked``, the selected option) as attributes, and turns
every element with a click handler (inline, d3, jQuery, delegated jQuery) into a ``<button>``. The
i-th interactive element of that HTML is the live element marked ``data-agentq-id="i"``, so an
observation's ids address the live page directly and are the same after a same-seed reset.
"""

from __future__ import annotations

ID_ATTRIBUTE = "data-agentq-id"

START_EPISODE_JS = r"""(seed) => {
  core.EPISODE_MAX_TIME = 1e9;
  if (core.cover_div == null) { core.startEpisode(); }
  Math.seedrandom(String(seed));
  core.startEpisodeReal();
  if (core.EP_TIMER !== null) { clearTimeout(core.EP_TIMER); core.EP_TIMER = -1; }
  if (core.CD_TIMER) { clearInterval(core.CD_TIMER); }
  const u = core.getUtterance();
  if (typeof u === 'string') return u;
  if (u && typeof u.utterance === 'string') return u.utterance;
  return document.getElementById('query').textContent.replace(/\s+/g, ' ').trim();
}"""

# -1 keeps endEpisode's "timer is running" check true while no real timer is left to fire.

TOGGLE_OPTION_JS = """(el) => {
  if (el.tagName !== 'OPTION') return false;
  el.selected = !el.selected;
  el.parentElement.dispatchEvent(new Event('change', {bubbles: true}));
  return true;
}"""

# Let the page finish what an action (or the episode's start) set off before it is read: timers of
# zero delay run (jQuery UI's autocomplete searches in one), twice over for the ones they set.
# Without it, whether the page shows the result of that work depends on the machine's load.
SETTLE_JS = """() => new Promise((done) => setTimeout(() => setTimeout(done, 0), 0))"""

STATUS_JS = """() => ({done: !!WOB_DONE_GLOBAL, raw: Number(WOB_RAW_REWARD_GLOBAL),
  reason: WOB_REWARD_REASON === null ? null : String(WOB_REWARD_REASON)})"""

SNAPSHOT_JS = r"""() => {
  const MARK = 'data-agentq-id';
  const SKIP_IDS = new Set(['reward-display', 'sync-task-cover', 'click-canvas', 'query']);
  const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'LINK', 'META', 'svg', 'CANVAS']);
  const CONTROL_TAGS = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON']);
  const CLICK_TYPES = ['click', 'mousedown', 'mouseup', 'dblclick'];
  const jq = window.jQuery;
  document.querySelectorAll('[' + MARK + ']').forEach(e => e.removeAttribute(MARK));
  let next = 0;
  const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const squash = s => String(s || '').replace(/\s+/g, ' ').trim();

  function jqEvents(el) {
    if (!jq || !jq._data) return null;
    try { return jq._data(el, 'events') || null; } catch (e) { return null; }
  }
  function delegatedSelectors(el) {
    const ev = jqEvents(el); const out = [];
    if (!ev) return out;
    CLICK_TYPES.forEach(t => (ev[t] || []).forEach(h => { if (h.selector) out.push(h.selector); }));
    return out;
  }
  const rootDelegates = delegatedSelectors(document).concat(delegatedSelectors(document.body));
  function hasHandler(el, delegates) {
    for (const t of CLICK_TYPES) {
      if (el['on' + t] || el['__on' + t]) return true;
    }
    if (Array.isArray(el.__on) && el.__on.some(h => CLICK_TYPES.includes(h.type))) return true;
    const ev = jqEvents(el);
    if (ev && CLICK_TYPES.some(t => (ev[t] || []).some(h => !h.selector))) return true;
    for (const sel of delegates) { try { if (el.matches(sel)) return true; } catch (e) {} }
    const role = el.getAttribute('role');
    return role === 'button' || role === 'link' || role === 'tab' || role === 'treeitem' || role === 'option' || role === 'menuitem';
  }
  function shown(el) {
    const st = getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return !(r.width === 0 && r.height === 0 && st.overflow !== 'visible' && el.children.length === 0);
  }
  function isControl(el) {
    if (el.tagName === 'A') return el.hasAttribute('href');
    if (el.tagName === 'INPUT') return (el.type || '').toLowerCase() !== 'hidden';
    return CONTROL_TAGS.has(el.tagName);
  }
  function controlName(el) {
    const aria = el.getAttribute('aria-label');
    if (aria) return squash(aria);
    if (el.tagName === 'BUTTON' || el.tagName === 'A') return '';
    if (el.labels && el.labels.length) return squash(el.labels[0].textContent);
    const own = squash(el.getAttribute('placeholder') || el.getAttribute('title') || '');
    return own || nearbyText(el) || squash(el.id || el.getAttribute('name') || '');
  }
  // the closest text before a field (its visual label), within three levels of its parents
  function nearbyText(el) {
    let node = el;
    for (let level = 0; level < 3 && node && node !== document.body; level++) {
      for (let prev = node.previousSibling; prev; prev = prev.previousSibling) {
        if (prev.nodeType === Node.TEXT_NODE && squash(prev.data)) return squash(prev.data).slice(0, 80);
        if (prev.nodeType !== Node.ELEMENT_NODE || skipped(prev) || !shown(prev)) continue;
        if (prev.querySelector('input, select, textarea, button')) return '';
        if (squash(prev.textContent)) return squash(prev.textContent).slice(0, 80);
      }
      node = node.parentElement;
    }
    return '';
  }
  function mark(el) { next += 1; el.setAttribute(MARK, String(next)); return next; }
  function control(el) {
    mark(el);
    const tag = el.tagName.toLowerCase();
    const attrs = [];
    const name = controlName(el);
    if (name) attrs.push('aria-label="' + esc(name) + '"');
    if (el.disabled) attrs.push('disabled');
    if (tag === 'a') attrs.push('href="' + esc(el.getAttribute('href')) + '"');
    if (tag === 'input') {
      const type = (el.type || 'text').toLowerCase();
      attrs.push('type="' + esc(type) + '"');
      if (el.readOnly && !['checkbox', 'radio', 'button', 'submit', 'reset', 'image'].includes(type)) {
        // a read-only field (e.g. a date picker's) is clicked, never typed into
        return '<button type="button" aria-label="' + esc(el.value ? name + ': ' + el.value : name) + '"></button>';
      }
      if (type === 'checkbox' || type === 'radio') { if (el.checked) attrs.push('checked'); }
      else attrs.push('value="' + esc(el.value) + '"');
      return '<input ' + attrs.join(' ') + '>';
    }
    if (tag === 'textarea') return '<textarea ' + attrs.join(' ') + '>' + esc(el.value) + '</textarea>';
    if (tag === 'select' && el.multiple) {  // a list box: one checkbox per option (click toggles it)
      next -= 1; el.removeAttribute(MARK);
      const items = Array.from(el.options).map(o => {
        mark(o);
        return '<li><input type="checkbox" aria-label="' + esc(squash(o.textContent)) + '"' + (o.selected ? ' checked' : '') + '></li>';
      });
      return '<ul aria-label="' + esc(name) + '">' + items.join('') + '</ul>';
    }
    if (tag === 'select') {
      const opts = Array.from(el.options).map(o => '<option value="' + esc(o.value) + '"' + (o.selected ? ' selected' : '') + '>' + esc(squash(o.textContent)) + '</option>');
      return '<select ' + attrs.join(' ') + (el.multiple ? ' multiple' : '') + '>' + opts.join('') + '</select>';
    }
    if (tag === 'button') attrs.push('type="button"');
    return '<' + tag + ' ' + attrs.join(' ') + '>' + esc(squash(el.textContent)) + '</' + tag + '>';
  }
  // text of el outside its interactive descendants, and those descendants serialised after it
  function ownText(el, delegates, inner) {
    let text = '';
    el.childNodes.forEach(child => {
      if (child.nodeType === Node.TEXT_NODE) { text += ' ' + child.data; return; }
      if (child.nodeType !== Node.ELEMENT_NODE || skipped(child) || !shown(child)) return;
      const d = delegates.concat(delegatedSelectors(child));
      if (isControl(child) || hasHandler(child, d)) { inner.push(walk(child, delegates)); return; }
      text += ' ' + ownText(child, d, inner);
    });
    return squash(text);
  }
  function skipped(el) { return SKIP_TAGS.has(el.tagName) || SKIP_IDS.has(el.id); }
  function walk(el, delegates) {
    if (skipped(el) || !shown(el)) return '';
    if (isControl(el)) return control(el);
    const d = delegates.concat(delegatedSelectors(el));
    const tag = el.tagName.toLowerCase();
    if (hasHandler(el, delegates) && tag !== 'body' && tag !== 'html') {
      const id = mark(el);
      const inner = [];
      const text = ownText(el, d, inner);
      if (!text && inner.length) {  // a wrapper whose only content is its controls: the controls suffice
        el.removeAttribute(MARK); next = id - 1;
        const again = [];
        ownText(el, d, again);
        return wrap(tag, again.join(''), el);
      }
      const label = text || squash(el.getAttribute('title') || el.getAttribute('aria-label') || el.className || tag);
      return wrap(tag, '<button type="button">' + esc(label) + '</button>' + inner.join(''), el);
    }
    let body = '';
    el.childNodes.forEach(child => {
      if (child.nodeType === Node.TEXT_NODE) body += esc(child.data);
      else if (child.nodeType === Node.ELEMENT_NODE) body += walk(child, d);
    });
    return wrap(tag, body, el);
  }
  // table parts stay table parts (anything else inside a table would be moved out of it by a parser)
  const KEEP = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tfoot', 'caption',
                'tr', 'td', 'th', 'p', 'label', 'br', 'form', 'fieldset'];
  const CELL_TAGS = ['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption'];
  function wrap(tag, body, el) {
    if (CELL_TAGS.includes(tag)) return '<' + tag + '>' + body + '</' + tag + '>';
    const out = KEEP.includes(tag) ? tag : (getComputedStyle(el).display === 'inline' ? 'span' : 'div');
    return '<' + out + '>' + body + '</' + out + '>';
  }
  const title = esc(document.title || '');
  const body = walk(document.body, rootDelegates).replace(/^<div>|<\/div>$/g, '');
  return '<html><head><title>' + title + '</title></head><body>' + body + '</body></html>';
}"""
