// The configuration text a page writes from its inputs, in the IOS CLI form an engineer would
// type, so that the page's configuration is read by the same parser as a file.

export interface IosTextOptions {
  /** `midcall-signaling passthru` under voice service voip / sip, or nothing (the default mode). */
  midcallSignaling: 'passthru' | 'none';
  /** Written as `min-se <value>` when given (as typed: the parser checks it). */
  minSe?: string | number;
  /** Written as `options-ping <value>` when given. */
  optionsPing?: number;
  /** Comment lines at the top. */
  comment?: readonly string[];
}

/** A small CUBE configuration in IOS CLI form: SIP to SIP with one inbound and one outbound dial-peer. */
export function iosConfigText(o: IosTextOptions): string {
  const lines: string[] = [...(o.comment ?? []).map((c) => `! ${c}`.trimEnd()), ...(o.comment?.length ? ['!'] : [])];
  lines.push('voice service voip', ' allow-connections sip to sip');
  const sip: string[] = [];
  if (o.midcallSignaling === 'passthru') sip.push('  midcall-signaling passthru');
  if (o.minSe !== undefined) sip.push(`  min-se ${String(o.minSe).trim()}`.trimEnd());
  if (o.optionsPing !== undefined) sip.push(`  options-ping ${o.optionsPing}`);
  if (sip.length > 0) lines.push(' sip', ...sip);
  lines.push(
    '!',
    'dial-peer voice 100 voip',
    ' description inbound, from the caller',
    ' session protocol sipv2',
    ' incoming called-number .',
    ' codec g711ulaw',
    '!',
    'dial-peer voice 200 voip',
    ' description outbound, to the callee',
    ' session protocol sipv2',
    ' destination-pattern .T',
    ' session target ipv4:192.0.2.20',
    ' codec g711ulaw',
    '!',
    'end',
  );
  return `${lines.join('\n')}\n`;
}
