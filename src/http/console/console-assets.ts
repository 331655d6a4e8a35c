/**
 * The console's stylesheet and its one script, served by the app itself (the machines have no
 * internet, and the Content-Security-Policy allows nothing else). Kept in TypeScript so `npm run
 * build` carries them to dist/ with the rest.
 */

export const CONSOLE_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --soft: #f6f8fa;
  --accent: #0550ae; --ok: #116329; --ok-bg: #dafbe1; --bad: #a40e26; --bad-bg: #ffebe9; --warn: #7d4e00; --warn-bg: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .5rem 1rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header .brand { font-weight: 700; margin: 0; }
header nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header nav a { text-decoration: none; padding: .25rem 0; }
header nav a[aria-current="page"] { font-weight: 700; border-bottom: 3px solid var(--accent); }
header .who { margin-left: auto; display: flex; align-items: center; gap: .5rem; color: var(--muted); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
.muted { color: var(--muted); }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.status { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .875rem; border: 1px solid var(--line); background: var(--soft); }
.status-applied, .status-accepted, .status-planned { color: var(--ok); background: var(--ok-bg); border-color: #4ac26b; }
.status-failed, .status-partial, .status-rejected, .status-expired, .status-cancelled { color: var(--bad); background: var(--bad-bg); border-color: #ff8182; }
.status-held, .status-pending, .status-queued, .status-running, .status-applying, .status-planning { color: var(--warn); background: var(--warn-bg); border-color: #d4a72c; }
.notice { padding: .6rem .9rem; border-radius: .4rem; border: 1px solid var(--line); margin: 0 0 1rem; }
.notice-ok { background: var(--ok-bg); border-color: #4ac26b; }
.notice-error { background: var(--bad-bg); border-color: #ff8182; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 1rem; }
.card > h2:first-child, .card > h3:first-child { margin-top: 0; }
.diff { list-style: none; padding: 0; margin: .25rem 0 .75rem; }
.diff li { padding: .3rem .6rem; border-left: 4px solid var(--line); margin: .2rem 0; background: var(--soft); }
.diff.gain li { border-color: #4ac26b; background: var(--ok-bg); }
.diff.lose li { border-color: #ff8182; background: var(--bad-bg); }
.diff .sign { font-weight: 700; margin-right: .35rem; }
.why { display: block; color: var(--muted); font-size: .9rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.actions form { margin: 0; }
button, .button { font: inherit; padding: .45rem 1rem; border-radius: .4rem; border: 1px solid #1f883d; background: #1f883d; color: #fff; cursor: pointer; min-height: 2.5rem; }
button.secondary { background: var(--bg); color: var(--fg); border-color: var(--line); }
button.danger { background: var(--bad); border-color: var(--bad); }
header button { min-height: 2rem; padding: .2rem .7rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: 0 0 1rem; }
label { display: block; font-weight: 600; }
input, select { font: inherit; padding: .4rem .5rem; border: 1px solid #8c959f; border-radius: .4rem; min-height: 2.5rem; max-width: 100%; }
.field { margin: 0 0 1rem; }
.hint { display: block; font-weight: 400; color: var(--muted); font-size: .9rem; }
.sign-in { max-width: 26rem; margin: 2rem auto; }
.progress { padding: .6rem .9rem; border: 1px dashed var(--warn); background: var(--warn-bg); border-radius: .4rem; }
@media (max-width: 40rem) { th, td { padding: .35rem .4rem; } header .who { margin-left: 0; } }
`;

/** Live progress: polls the run's progress JSON, says it in the aria-live region, reloads when settled. */
export const CONSOLE_JS = `
(function () {
  var box = document.querySelector('[data-progress-url]');
  if (!box) return;
  var url = box.getAttribute('data-progress-url');
  var text = box.querySelector('[data-progress-text]');
  function poll() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (p) {
        if (text && text.textContent !== p.text) text.textContent = p.text;
        if (p.settled) { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
`;
