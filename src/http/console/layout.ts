/** The frame of every console page: head, skip link, navigation, sign-out, the page's notice. */
import { CSRF_FIELD } from './csrf.js';
import type { ConsoleSession } from './console-session.js';
import { html, type SafeHtml } from './html.js';

export type Section = 'feeds' | 'runs' | 'held' | 'invitations';

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

export interface PageOptions {
  title: string;
  session?: ConsoleSession;
  section?: Section;
  notice?: Notice | undefined;
  /** The page shows something in progress: without JavaScript it reloads itself. */
  live?: boolean;
}

const SECTIONS: { id: Section; href: string; label: string }[] = [
  { id: 'feeds', href: '/', label: 'Feeds' },
  { id: 'runs', href: '/runs', label: 'Runs' },
  { id: 'held', href: '/held', label: 'Held runs' },
  { id: 'invitations', href: '/invitations', label: 'Invitations' },
];

export function page(options: PageOptions, body: SafeHtml): string {
  const { session } = options;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · pms-sync</title>
        <link rel="stylesheet" href="/console.css" />
        <script src="/console.js" defer></script>
        ${options.live ? html`<noscript><meta http-equiv="refresh" content="3" /></noscript>` : ''}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <p class="brand">pms-sync</p>
          ${
            session
              ? html`<nav aria-label="Main">
                    <ul>
                      ${SECTIONS.map(
                        (s) =>
                          html`<li>
                            <a href="${s.href}" ${s.id === options.section ? html` aria-current="page"` : ''}
                              >${s.label}</a
                            >
                          </li>`,
                      )}
                    </ul>
                  </nav>
                  <div class="who">
                    <span>Signed in as ${session.actor}</span>
                    <form method="post" action="/sign-out">
                      ${csrfField(session)}<button type="submit" class="secondary">Sign out</button>
                    </form>
                  </div>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">
          <h1>${options.title}</h1>
          ${options.notice ? noticeBox(options.notice) : ''} ${body}
        </main>
      </body>
    </html> `.text;
}

export function csrfField(session: ConsoleSession): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${session.csrf}" />`;
}

/** Errors interrupt (role=alert); confirmations are announced politely (role=status). */
function noticeBox(notice: Notice): SafeHtml {
  return html`<p class="notice notice-${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">
    ${notice.text}
  </p>`;
}
