// Rules about call setup: an offered interval refused with 422, by the border element's min-se
// or by the callee's own minimum, and whether the caller's retry saves the call.

import { borderElementMinSe } from '../elements/border-element.ts';
import { DEFAULT_MIN_SE } from '../config/types.ts';
import { retryAfter422 } from '../sip/session-timer.ts';
import { lineOf, type Rule } from './context.ts';
import { finding, type Finding } from './findings.ts';
import { canRetry422 } from './pairing.ts';
import { assumedTag, pairWords, retryWords, withTag } from './wording.ts';

/** F8 at the first hop: an offered interval below the border element's min-se (RFC 4028 §8.1, Q3). */
export const minSe422: Rule = (ctx) => {
  const { config, model } = ctx;
  if (!model.sessionTimer.rejectBelowMinSe.value) return [];
  const line = lineOf(config, 'min-se');
  const tag = assumedTag(model.sessionTimer.rejectBelowMinSe);
  const minSe = borderElementMinSe(config, model);
  const reading = `whenMinSeNotConfigured ${model.sessionTimer.whenMinSeNotConfigured.value} ${assumedTag(model.sessionTimer.whenMinSeNotConfigured)}`;
  const origin =
    line !== undefined
      ? ''
      : minSe === DEFAULT_MIN_SE
        ? `; min-se is not configured, so the default ${DEFAULT_MIN_SE} applies (${reading})`
        : `; min-se is not configured (${reading})`;
  const out: Finding[] = [];
  for (const p of ctx.profiles) {
    const se = p.timer.sessionExpires;
    if (!p.timer.supported || se <= 0 || se >= minSe) continue;
    if (!canRetry422(p)) {
      const msg = `Min-SE ${minSe} toward ${p.id}, which offers Session-Expires ${se} and ${retryWords(p)}: every call from ${p.id} fails setup with 422`;
      out.push(finding('error', 'min-se-422', withTag(msg, tag) + origin, line));
    } else {
      const retry = retryAfter422(se, 0, minSe);
      const msg = `Min-SE ${minSe} toward ${p.id}, which offers Session-Expires ${se}: each call from ${p.id} takes an extra 422 round trip and is retried with Session-Expires ${retry.sessionExpires}`;
      out.push(finding('note', 'min-se-422', withTag(msg, tag) + origin, line));
    }
  }
  return out;
};

/** F8 at the second hop: the callee's own minimum is above what the border element lets through (RFC 4028 §9). */
export const calleeMinSe: Rule = (ctx) => {
  const line = lineOf(ctx.config, 'min-se');
  const out: Finding[] = [];
  for (const pair of ctx.pairs) {
    const r = pair.rejections.find((x) => x.by === 'callee');
    if (r === undefined) continue;
    const { caller, callee } = pair;
    const head = `${callee.id} asks Min-SE ${r.minSe} but ${pairWords(pair)} reach it with Session-Expires ${r.sessionExpires} and Min-SE ${r.requestMinSe} (border element min-se ${borderElementMinSe(ctx.config, ctx.model)})`;
    if (!pair.answered) {
      out.push(
        finding(
          'error',
          'callee-min-se',
          `${head}: ${callee.id} answers 422 and ${caller.id} ${retryWords(caller)}, so every call from ${caller.id} to ${callee.id} fails setup`,
          line,
        ),
      );
    } else {
      out.push(
        finding(
          'note',
          'callee-min-se',
          `${head}: each call from ${caller.id} to ${callee.id} takes an extra 422 round trip and is retried with Session-Expires ${pair.sessionExpires}`,
          line,
        ),
      );
    }
  }
  return out;
};
