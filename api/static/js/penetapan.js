// "Penetapan": every adopted list by year, with its decision and the official addresses other
// systems read (JSON, CSV, Excel).

import * as api from './api.js';
import { el, replace } from './dom.js';
import { t } from './i18n.js';

export async function render(ctx, root) {
  replace(root, el('p', { class: 'note', text: t('app.loading') }));
  let lists;
  try {
    lists = await api.lokus();
  } catch (error) {
    replace(root, el('p', { class: 'alert', text: t('app.error', { message: error.message }) }));
    return;
  }
  if (!lists.length) {
    replace(root, el('h2', { text: t('penetapan.title') }), el('p', { id: 'penetapan-empty', text: t('penetapan.empty') }));
    return;
  }
  const years = [...new Set(lists.map((l) => l.year))];
  const head = ['penetapan.programme', 'penetapan.decision', 'penetapan.date', 'penetapan.run', 'penetapan.status', 'penetapan.official'];
  replace(
    root,
    el('h2', { text: t('penetapan.title') }),
    years.map((year) =>
      el(
        'section',
        { class: 'penetapan-year' },
        el('h3', { text: t('penetapan.year', { year }) }),
        el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'penetapan' },
            el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
            el(
              'tbody',
              {},
              lists
                .filter((l) => l.year === year)
                .map((l) =>
                  el(
                    'tr',
                    { class: `adoption-${l.status}`, dataset: { run: String(l.run_id) } },
                    el('td', { text: l.programme }),
                    el('td', { text: l.decision_number }),
                    el('td', { text: l.decision_date }),
                    el(
                      'td',
                      {},
                      el('a', { href: `${api.base}/?run=${encodeURIComponent(l.run_id)}`, text: `#${l.run_id} ${l.title || ''}` }),
                    ),
                    el('td', {}, el('span', { class: `badge badge-${l.status}`, text: t(`run_status.${l.status}`) })),
                    el(
                      'td',
                      {},
                      l.status === 'adopted'
                        ? ['json', 'csv', 'xlsx'].map((f) =>
                            el('a', { class: 'format', href: api.lokusUrl(l.programme, l.year, f === 'json' ? '' : f), text: f.toUpperCase() }),
                          )
                        : el('span', { class: 'note', text: l.end_reason || '' }),
                    ),
                  ),
                ),
            ),
          ),
        ),
      ),
    ),
  );
}
