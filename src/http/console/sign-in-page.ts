/** The sign-in form: the admin token, and a name recorded on what this session does. */
import { html } from './html.js';
import { page } from './layout.js';

export function signInPage(options: { next: string; error?: string }): string {
  return page(
    {
      title: 'Sign in',
      ...(options.error ? { notice: { kind: 'error' as const, text: options.error } } : {}),
    },
    html`<form method="post" action="/sign-in" class="sign-in">
      <input type="hidden" name="next" value="${options.next}" />
      <div class="field">
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          required
          autocomplete="current-password"
          spellcheck="false"
          ${options.error ? html`aria-invalid="true" aria-describedby="token-hint" autofocus` : html`aria-describedby="token-hint" autofocus`}
        />
        <span class="hint" id="token-hint">The server's ADMIN_TOKEN.</span>
      </div>
      <div class="field">
        <label for="name"
          >Your name
          <span class="hint">(optional) recorded on the runs you trigger, approve or reject</span></label
        >
        <input id="name" name="name" type="text" maxlength="60" autocomplete="name" />
      </div>
      <button type="submit">Sign in</button>
    </form>`,
  );
}
