/** The console's HTML builder escapes every value it is given, and its cookie reader finds one cookie. */
import { describe, expect, it } from 'vitest';
import { readCookie } from '../../src/http/console/console-session.js';
import { html } from '../../src/http/console/html.js';

describe('html', () => {
  it.each([
    ['a name with markup', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['quotes and ampersands', `O'Brien & "Sons"`, '<p>O&#39;Brien &amp; &quot;Sons&quot;</p>'],
    ['a number', 3, '<p>3</p>'],
    ['nothing', null, '<p></p>'],
  ])('escapes %s', (_label, value, expected) => {
    expect(html`<p>${value}</p>`.text).toBe(expected);
  });

  it('keeps HTML it built itself, alone or in a list, and escapes attribute values', () => {
    const items = ['a<b', 'c'].map((t) => html`<li title="${t}">${t}</li>`);
    // Prettier lays out the template; whitespace between tags is not what this checks.
    const list = html`<ul>
      ${items}
    </ul>`;
    expect(list.text.replace(/>\s+</g, '><')).toBe(
      '<ul><li title="a&lt;b">a&lt;b</li><li title="c">c</li></ul>',
    );
  });
});

describe('readCookie', () => {
  it.each([
    ['pms_sync_session=abc', 'abc'],
    ['other=1; pms_sync_session=abc; x=y', 'abc'],
    ['xpms_sync_session=abc', undefined],
    [undefined, undefined],
  ])('reads %s', (header, expected) => {
    expect(readCookie(header, 'pms_sync_session')).toBe(expected);
  });
});
