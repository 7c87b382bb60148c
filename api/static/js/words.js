// The planner's words for the codes the API speaks (dataset kinds, estimation methods, region
// types, system actors): a code the dictionaries know is shown as words, anything else (a
// covariate's own name, a person's token label) as it came.

import { DICTIONARIES, t } from './i18n.js';

/** The words of `prefix.code`, or the code itself when the dictionaries have none. */
function word(prefix, code) {
  if (code === null || code === undefined || code === '') return '—';
  const key = `${prefix}.${code}`;
  return key in DICTIONARIES.id ? t(key) : String(code);
}

/** A dataset kind: "jumlah balita" for `population`. */
export const kindWord = (kind) => word('kind', kind);

/** An indicator: "Jumlah balita" for `under5`. */
export const indicatorWord = (indicator) => word('indicator', indicator);

/** `direct` or `sae` as words. */
export const methodWord = (method) => word('stunting_method', method);

/** `kabupaten` or `kota` as words. */
export const regionKindWord = (kind) => word('region_kind', kind);

/** A dataset's source; the API's placeholder for none given as words. */
export const sourceWord = (source) => (source === 'unspecified' ? t('source.unspecified') : source || '—');

/** Who imported or saved something: the service itself as words, a person's label as given. */
export const actorWord = (name) => (name === 'system' || name === 'cli' ? t(`actor.${name}`) : name || '—');

/** A dataset as the tables name it: "jumlah balita #5", "kovariat (sanitasi) #7". */
export function datasetWord(d) {
  // The population's indicator is what its kind already says.
  const indicator = d.indicator && !(d.kind === 'population' && d.indicator === 'under5') ? ` (${indicatorWord(d.indicator)})` : '';
  return `${kindWord(d.kind)}${indicator} #${d.id}`;
}
