// The session-timer headers of a message, shortened as every ladder and log line writes them:
// "SE=1800;uac Min-SE=1800" (Session-Expires with its refresher, Min-SE; each only when present).
// No imports: the browser bundles (report page, notebooks) use it as well as the terminal.

export interface TimerHeaderFields {
  readonly sessionExpires: number;
  /** 'uac', 'uas', or '' when none was named. */
  readonly refresher: string;
  readonly minSe: number;
}

/** "SE=1800;uac Min-SE=1800", "SE=90", "Min-SE=90", or '' when the message carries neither. */
export function timerHeaders(e: TimerHeaderFields): string {
  const parts: string[] = [];
  if (e.sessionExpires > 0) parts.push(`SE=${e.sessionExpires}${e.refresher === '' ? '' : `;${e.refresher}`}`);
  if (e.minSe > 0) parts.push(`Min-SE=${e.minSe}`);
  return parts.join(' ');
}
